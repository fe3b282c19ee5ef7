#pragma once
// The operator API's certificate inventory: filtered, keyset-paginated reads of table
// certificates (indexes in schemas/010_admin.sql). Vendor owners come from owner_registry.
#include "storage/admin/owner_registry.hpp"

#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace localca::storage::admin {

enum class status_filter { valid, revoked, expired };
enum class sort_key { issued, not_after }; // issued = certSN (issuance) order

struct certificate_query {
    std::optional<std::string> authority, api, profile, cn_prefix;
    std::optional<std::int64_t> serial;
    std::optional<status_filter> status;
    std::optional<std::int64_t> expires_before, expires_after, issued_after, issued_before;
    std::vector<std::pair<std::string, std::string>> owner_filters; // name, value
    sort_key sort = sort_key::issued;
    bool descending = false;
    // Keyset: the sort key and sn of the last item already seen.
    std::optional<std::pair<std::int64_t, std::int64_t>> after;
    int limit = 100;
    std::int64_t now = 0; // unix seconds: valid vs expired
};

struct inventory_row {
    std::int64_t sn = 0;
    std::string authority, api, profile;
    int status = 0; // certificates.status
    std::vector<std::uint8_t> subject_der;
    std::optional<std::string> cn;
    std::int64_t not_before = 0, not_after = 0;
    std::optional<std::int64_t> revoked_at;
    std::optional<int> reason;
    std::optional<owner_fields> owner;
    // This row's sort key (for the next cursor).
    std::int64_t key = 0;
};

// At most q.limit rows in the query's order. Each row's owner is looked up when `owners` knows
// its api.
std::vector<inventory_row> list_certificates(connection& db, const owner_registry& owners,
                                             const certificate_query& q);

// One certificate as an inventory row, or nullopt.
std::optional<inventory_row> find_inventory_row(connection& db, const owner_registry& owners,
                                                std::int64_t sn);

} // namespace localca::storage::admin
