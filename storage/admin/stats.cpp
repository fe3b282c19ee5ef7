#include "storage/admin/stats.hpp"

#include "storage/connection.hpp"

#include <tuple>

namespace localca::storage::admin {

namespace {

std::map<std::int64_t, std::int64_t> buckets(connection& db, const char* sql, std::int64_t a,
                                             std::int64_t b, std::int64_t c) {
    statement_handle q(db, sql);
    q->bind(1, a);
    q->bind(2, b);
    q->bind(3, c);
    std::map<std::int64_t, std::int64_t> out;
    while (q->step()) {
        out[q->get_int64(0)] = q->get_int64(1);
    }
    return out;
}

} // namespace

certificate_stats certificate_statistics(connection& db, std::int64_t now) {
    certificate_stats s;
    // One pass over the covering index certificates_stats (api, authority, status, not_after),
    // grouped in index order (no sort): valid and expired are split by a sum, not a group.
    statement_handle q(db, "SELECT api, authority, status, "
                           "sum(CASE WHEN not_after > ? THEN 1 ELSE 0 END), count(*) "
                           "FROM certificates GROUP BY api, authority, status");
    q->bind(1, now);
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts;
    while (q->step()) {
        const auto api = q->is_null(0) ? std::string("pki") : q->get_string(0);
        const auto authority = q->get_string(1);
        const auto live = q->get_int64(3);
        const auto all = q->get_int64(4);
        if (q->get_int64(2) == 1) {
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
    statement_handle w(db, "SELECT (not_after - ?1) / ?2, count(*) FROM certificates "
                           "WHERE not_after > ?1 AND not_after <= ?1 + 12 * ?2 AND status = 0 "
                           "GROUP BY 1");
    w->bind(1, now);
    w->bind(2, week);
    while (w->step()) {
        s.expiring_per_week[now + w->get_int64(0) * week] = w->get_int64(1);
    }
    return s;
}

std::vector<authority_crl> authority_crls(connection& db) {
    statement_handle q(db,
                       "SELECT name, crl_number, crl_this_update FROM authorities ORDER BY name");
    std::vector<authority_crl> out;
    while (q->step()) {
        authority_crl a;
        a.name = q->get_string(0);
        a.crl_number = q->get_int64(1);
        if (!q->is_null(2)) {
            a.crl_this_update = q->get_int64(2);
        }
        out.push_back(std::move(a));
    }
    return out;
}

std::int64_t audit_entry_count(connection& db) {
    statement_handle q(db, "SELECT count(*) FROM audit");
    q->step();
    return q->get_int64(0);
}

} // namespace localca::storage::admin
