#include "storage/admin/stats.hpp"

#include <SQLiteCpp/Statement.h>

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
    // Reads only the covering index certificates_stats (api, authority, status, not_after).
    SQLite::Statement q(db, "SELECT coalesce(api, 'pki'), authority, CASE WHEN status = 1 THEN "
                            "'revoked' WHEN not_after > ? THEN 'valid' ELSE 'expired' END AS st, "
                            "count(*) FROM certificates GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
    q.bind(1, now);
    while (q.executeStep()) {
        s.counts.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                            q.getColumn(2).getString(), q.getColumn(3).getInt64()});
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

} // namespace localca::storage::admin
