#pragma once
// Counts for the operator API's statistics (GET /admin/v1/stats), read from the count tables of
// schema 14 (certificate_counts, issued_hours) plus range counts over one day of expiries each.
#include "storage/connection.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::admin {

struct count_row {
    std::string api, authority, status; // status: valid | revoked | expired
    std::int64_t count = 0;
};

struct certificate_stats {
    std::vector<count_row> counts;
    std::map<std::int64_t, std::int64_t> issued_per_hour; // bucket start (unix s) -> count
    std::map<std::int64_t, std::int64_t> issued_per_day;
    std::map<std::int64_t, std::int64_t> expiring_per_week; // live certificates only
};

struct authority_crl {
    std::string name;
    std::int64_t crl_number = 0;
    std::optional<std::int64_t> crl_this_update;
};

// `now` in unix seconds. Buckets are aligned to the epoch: hours, days, and weeks from the start of
// now's UTC day (week 0 holds only what is still valid at `now`).
certificate_stats certificate_statistics(connection& db, std::int64_t now);
std::vector<authority_crl> authority_crls(connection& db);
// Entries in the audit log (a scan of its smallest index: callers cache it).
std::int64_t audit_entry_count(connection& db);

} // namespace localca::storage::admin
