#include "storage/admin/stats.hpp"

#include "storage/connection.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace localca::storage::admin {

namespace {

constexpr std::int64_t k_hour = 3600, k_day = 86400;

using group_key = std::pair<std::string, std::string>; // api, authority

// Live (status 0) certificates by group and expiry day, from certificate_counts (schema 14).
class live_expiry_counts {
public:
    void add(const group_key& g, std::int64_t day, std::int64_t n) {
        m_days[g][day] += n;
        m_total[g] += n;
    }
    const std::map<group_key, std::int64_t>& totals() const { return m_total; }

    // Live certificates whose expiry day is in [from, to), by group.
    std::map<group_key, std::int64_t> days(std::int64_t from, std::int64_t to) const {
        std::map<group_key, std::int64_t> out;
        for (const auto& [g, days] : m_days) {
            for (auto it = days.lower_bound(from); it != days.end() && it->first < to; ++it) {
                out[g] += it->second;
            }
        }
        return out;
    }

private:
    std::map<group_key, std::map<std::int64_t, std::int64_t>> m_days;
    std::map<group_key, std::int64_t> m_total;
};

// Live certificates with from <= not_after <= to, by group: a range on certificates_not_after
// over at most one day (the day of `now`), grouped here so that the planner has only the range to
// choose from.
std::map<group_key, std::int64_t> live_in_range(connection& db, std::int64_t from,
                                                std::int64_t to) {
    std::map<group_key, std::int64_t> out;
    statement_handle q(db, "SELECT coalesce(api, 'pki'), authority FROM certificates "
                           "WHERE not_after >= ? AND not_after <= ? AND status = 0");
    q->bind(1, from);
    q->bind(2, to);
    while (q->step()) {
        ++out[{q->get_string(0), q->get_string(1)}];
    }
    return out;
}

std::int64_t sum_of(const std::map<group_key, std::int64_t>& m) {
    std::int64_t n = 0;
    for (const auto& [g, v] : m) {
        n += v;
    }
    return n;
}

// One read snapshot for all the statistics' statements (SQLite: the counts table and the
// certificates they count agree even while the writer commits).
class read_snapshot {
public:
    explicit read_snapshot(connection& db) : m_db(db), m_own(!db.in_transaction()) {
        if (m_own) {
            m_db.begin_read();
        }
    }
    ~read_snapshot() {
        if (m_own) {
            try {
                m_db.rollback();
            } catch (...) {
                // Nothing was written; a failed ROLLBACK of a read leaves nothing to undo.
            }
        }
    }
    read_snapshot(const read_snapshot&) = delete;
    read_snapshot& operator=(const read_snapshot&) = delete;

private:
    connection& m_db;
    bool m_own;
};

} // namespace

certificate_stats certificate_statistics(connection& db, std::int64_t now) {
    certificate_stats s;
    const read_snapshot snapshot(db);
    // Counts by api x authority x status from certificate_counts (schema 14, kept by triggers in
    // the issuing and revoking statements): its size grows with days of expiry, not with rows.
    live_expiry_counts live;
    std::map<group_key, std::int64_t> revoked;
    {
        statement_handle q(db, "SELECT api, authority, status, expiry_day, n "
                               "FROM certificate_counts WHERE n <> 0");
        while (q->step()) {
            group_key g{q->get_string(0), q->get_string(1)};
            const auto status = q->get_int64(2);
            if (status == 1) {
                revoked[g] += q->get_int64(4);
            } else if (status == 0) {
                live.add(g, q->get_int64(3), q->get_int64(4));
            }
        }
    }
    // Expired = live with not_after <= now: the whole days before today from the table, today's
    // part up to now by one range count.
    const std::int64_t today = now / k_day;
    const auto expired_today = live_in_range(db, today * k_day, now);
    auto expired = live.days(std::numeric_limits<std::int64_t>::min(), today);
    for (const auto& [g, n] : expired_today) {
        expired[g] += n;
    }
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts;
    for (const auto& [g, total] : live.totals()) {
        const auto it = expired.find(g);
        const auto gone = it == expired.end() ? 0 : it->second;
        if (total - gone > 0) {
            counts[{g.first, g.second, "valid"}] = total - gone;
        }
        if (gone > 0) {
            counts[{g.first, g.second, "expired"}] = gone;
        }
    }
    for (const auto& [g, n] : revoked) {
        if (n > 0) {
            counts[{g.first, g.second, "revoked"}] = n;
        }
    }
    for (const auto& [k, n] : counts) {
        s.counts.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
    }

    // Issuance from issued_hours (schema 14): the hour of `now` counts in full.
    {
        statement_handle q(db, "SELECT hour, n FROM issued_hours "
                               "WHERE hour >= ? AND hour <= ? AND n > 0 ORDER BY hour");
        q->bind(1, (now - 90 * k_day) / k_day * k_day);
        q->bind(2, now);
        const std::int64_t hours_from = (now - 7 * k_day) / k_hour * k_hour;
        while (q->step()) {
            const auto hour = q->get_int64(0), n = q->get_int64(1);
            s.issued_per_day[hour / k_day * k_day] += n;
            if (hour >= hours_from) {
                s.issued_per_hour[hour] += n;
            }
        }
    }

    // Live certificates expiring in week k: expiry days [today + 7k, today + 7k + 7), whole days
    // from the table; week 0 without today's expired ones.
    for (int k = 0; k < 12; ++k) {
        const auto first = today + 7 * k;
        auto n = sum_of(live.days(first, first + 7));
        if (k == 0) {
            n -= sum_of(expired_today);
        }
        if (n > 0) {
            s.expiring_per_week[first * k_day] = n;
        }
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
