#pragma once
// EnOS's keys of bulk revocation: orgId, productKey, deviceKey (certificates bound to devices).
#include "storage/bulk_filters.hpp"

namespace localca::storage::enos {

void add_bulk_filters(bulk_filters& filters);

} // namespace localca::storage::enos
