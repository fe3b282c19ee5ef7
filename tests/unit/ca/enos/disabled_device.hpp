#pragma once
// Disables a device the way the EnOS device API stores it: a details row with disabled set (a
// device without that row, created before schema 8 or by the seed, is never disabled).
#include "storage/enos/device_repository.hpp"

#include "storage/connection.hpp"

#include <cstdint>

namespace localca::test {

inline void insert_disabled_details(storage::connection& db, std::int64_t device) {
    storage::enos::device_details_row d;
    d.device = device;
    d.name = "disabled";
    d.timezone = "+00:00";
    d.secret_sealed = {1};
    d.disabled = true;
    storage::enos::insert_device_details(db, d);
}

} // namespace localca::test
