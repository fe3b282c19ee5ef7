#pragma once
// The EnOS rows as the repositories read them from a result row, starting at column `first`: one
// decoder per row type for the single-table lookups (first = 0) and the joins that carry a row
// among other columns (storage/enos/identity_lookup.cpp, the device search).
#include "storage/connection.hpp"
#include "storage/enos/tenant_repository.hpp"

namespace localca::storage::enos {

// Columns id, org, product, device_key, asset_id.
inline device_row read_device_row(statement& q, int first) {
    return device_row{q.get_int64(first), q.get_int64(first + 1), q.get_int64(first + 2),
                      q.get_string(first + 3), q.get_string(first + 4)};
}

// Columns id, org, product_key, bi_directional_auth, max_valid_day.
inline product_row read_product_row(statement& q, int first) {
    return product_row{q.get_int64(first), q.get_int64(first + 1), q.get_string(first + 2),
                       q.get_int64(first + 3) != 0, q.get_int64(first + 4)};
}

} // namespace localca::storage::enos
