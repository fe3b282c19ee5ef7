#pragma once
// The `expression` of EnOS's Search Device: conditions joined by `and`, e.g.
//   productKey = 'pk' and deviceKey in ('a', 'b') and deviceName.en_US like 'pump' and status =
//   'disable'
// Fields: productKey, deviceKey, assetId (= and in), productType (= 'Device' | 'Gateway'),
// deviceName[.default|.<locale>] (like: substring, case-insensitive for ASCII), status
// (= 'inactive' | 'online' | 'offline' | 'disable'). Values are single- or double-quoted strings
// (a quote inside is doubled). Keywords are case-insensitive, field names are not.
#include "storage/enos/device_repository.hpp"

#include <optional>
#include <string>

namespace localca::ca::enos {

struct parsed_expression {
    std::optional<storage::enos::device_filter> filter; // none: the expression is invalid
    std::string problem;                                // why, when invalid
};

// An empty or blank expression matches every device.
parsed_expression parse_device_expression(const std::string& expression);

} // namespace localca::ca::enos
