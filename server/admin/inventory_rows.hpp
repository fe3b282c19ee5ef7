#pragma once
// One inventory row as the operator API renders it: a JSON item (list pages, one certificate),
// an NDJSON line and a CSV line (the streamed exports, docs/admin-api.md).
//
// The export writes the NDJSON line by appending to the piece directly instead of building a
// boost::json object per row and serialising it: the allocations of that object were a visible
// part of the export's per-row cost. The line is byte for byte json::serialize(item_json(...))
// (tests/unit/server/admin/inventory_rows_test.cpp).
#include "storage/admin/inventory.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace localca::server::admin {

// "valid" | "revoked" | "expired" at `now` (unix seconds).
const char* inventory_status(const storage::admin::inventory_row& r, std::int64_t now);

boost::json::object item_json(const storage::admin::inventory_row& r, std::int64_t now);

// Appends the item and '\n'.
void append_ndjson_line(std::string& out, const storage::admin::inventory_row& r, std::int64_t now);

inline constexpr const char* k_inventory_csv_header =
    "certSN,authority,api,profile,status,subject,cn,notBefore,notAfter,revokedAt,reason,owner\r\n";

// Appends one RFC 4180 record (CRLF); the owner is "key=value;..." of its non-null fields.
void append_csv_line(std::string& out, const storage::admin::inventory_row& r, std::int64_t now);

} // namespace localca::server::admin
