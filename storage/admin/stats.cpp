#include "storage/admin/stats.hpp"

#include <SQLiteCpp/Statement.h>

#include <tuple>

namespace localca::storage::admin {

namespace {

std::map<std::int64_t, std::int64_t> buckets(SQLite::Database& db, const char* sql,
                                             std::int64_t a, std::int64_t b, std::int64_t c) {
    SQLite::Statement q(db, sql);
    q.bind(1, a);
    q.bind(2, b);
    q.bind(3, c);
    std::map<std::int64_t, std::int64_t> out;
    while (q.executeStep()) {
        out[q.getColumn(0).getInt64()] = q.getColumn(1).getInt64();
    }
    return out;
}

} // namespace

certificate_stats certificate_statistics(SQLite::Database& db, std::int64_t now) {
    certificate_stats s;
    // One pass over the covering index certificates_stats (api, authority, status, not_after),
    // grouped in index order (no sort): valid and expired are split by a sum, not a group.
    SQLite::Statement q(db, "SELECT api, authority, status, sum(not_after > ?), count(*) "
                            "FROM certificates GROUP BY api, authority, status");
    q.bind(1, now);
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts;
    while (q.executeStep()) {
        const auto api = q.getColumn(0).isNull() ? std::string("pki") : q.getColumn(0).getString();
        const auto authority = q.getColumn(1).getString();
        const auto live = q.getColumn(3).getInt64();
        const auto all = q.getColumn(4).getInt64();
        if (q.getColumn(2).getInt() == 1) {
            counts[{api, authority, "revoked"}] += all;
            continue;
        }
        if (live) {
            counts[{api, authority, "valid"}] += live;
        }
        if (all - live) {
            counts[{api, authority, "expired"}] += all - live;
        }
    }
    for (const auto& [k, n] : counts) {
        s.counts.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
    }
    constexpr std::int64_t hour = 3600, day = 86400, week = 7 * 86400;
    s.issued_per_hour = buckets(db,
                                "SELECT not_before / ?1 * ?1, count(*) FROM certificates "
                                "WHERE not_before >= ?2 AND not_before <= ?3 GROUP BY 1",
                                hour, (now - 7 * day) / hour * hour, now);
    s.issued_per_day = buckets(db,
                               "SELECT not_before / ?1 * ?1, count(*) FROM certificates "
                               "WHERE not_before >= ?2 AND not_before <= ?3 GROUP BY 1",
                               day, (now - 90 * day) / day * day, now);
    SQLite::Statement w(db, "SELECT (not_after - ?1) / ?2, count(*) FROM certificates "
                            "WHERE not_after > ?1 AND not_after <= ?1 + 12 * ?2 AND status = 0 "
                            "GROUP BY 1");
    w.bind(1, now);
    w.bind(2, week);
    while (w.executeStep()) {
        s.expiring_per_week[now + w.getColumn(0).getInt64() * week] = w.getColumn(1).getInt64();
    }
    return s;
}

std::vector<authority_crl> authority_crls(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT name, crl_number, crl_this_update FROM authorities ORDER BY name");
    std::vector<authority_crl> out;
    while (q.executeStep()) {
        authority_crl a;
        a.name = q.getColumn(0).getString();
        a.crl_number = q.getColumn(1).getInt64();
        if (!q.getColumn(2).isNull()) {
            a.crl_this_update = q.getColumn(2).getInt64();
        }
        out.push_back(std::move(a));
    }
    return out;
}

std::int64_t audit_entry_count(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT count(*) FROM audit");
    q.executeStep();
    return q.getColumn(0).getInt64();
}

} // namespace localca::storage::admin
