// The statistics' count tables (schema 14) stay exact: after inserts, revocations, re-tagging and
// deletes, at times that move certificates from valid to expired, and after the migration of a
// database that already holds certificates. The expected values are recomputed here from the rows
// this test wrote, by the definitions in docs/admin-api.md, not from the tables under test.
#include "storage/admin/stats.hpp"

#include "schemas/migrations.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <random>
#include <tuple>

using namespace localca;
using namespace localca::storage;

namespace {

constexpr std::int64_t k_hour = 3600, k_day = 86400, k_week = 7 * k_day;
constexpr std::int64_t k_base = 1'800'000'000 / k_day * k_day + 13 * k_hour + 17 * 60 + 5;

struct known_row {
    std::int64_t sn = 0;
    std::string api, authority;
    std::int64_t not_before = 0, not_after = 0;
    bool revoked = false;
    bool deleted = false;
};

// What GET /admin/v1/stats must answer for these rows at `now`.
admin::certificate_stats expected(const std::vector<known_row>& rows, std::int64_t now) {
    admin::certificate_stats s;
    std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> counts;
    for (const auto& r : rows) {
        if (r.deleted) {
            continue;
        }
        const char* status = r.revoked ? "revoked" : r.not_after > now ? "valid" : "expired";
        ++counts[{r.api, r.authority, status}];
        const auto hour = r.not_before / k_hour * k_hour;
        if (hour <= now && hour >= (now - 7 * k_day) / k_hour * k_hour) {
            ++s.issued_per_hour[hour];
        }
        if (hour <= now && hour >= (now - 90 * k_day) / k_day * k_day) {
            ++s.issued_per_day[r.not_before / k_day * k_day];
        }
        const auto week_start = now / k_day * k_day;
        for (std::int64_t k = 0; k < 12 && !r.revoked; ++k) {
            if (r.not_after > now && r.not_after >= week_start + k * k_week &&
                r.not_after < week_start + (k + 1) * k_week) {
                ++s.expiring_per_week[week_start + k * k_week];
            }
        }
    }
    for (const auto& [k, n] : counts) {
        s.counts.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), n});
    }
    return s;
}

void check_equal(const admin::certificate_stats& got, const admin::certificate_stats& want) {
    BOOST_TEST_REQUIRE(got.counts.size() == want.counts.size());
    for (std::size_t i = 0; i < got.counts.size(); ++i) {
        BOOST_TEST_CONTEXT(want.counts[i].api << " " << want.counts[i].authority << " "
                                              << want.counts[i].status) {
            BOOST_TEST(got.counts[i].api == want.counts[i].api);
            BOOST_TEST(got.counts[i].authority == want.counts[i].authority);
            BOOST_TEST(got.counts[i].status == want.counts[i].status);
            BOOST_TEST(got.counts[i].count == want.counts[i].count);
        }
    }
    BOOST_TEST((got.issued_per_hour == want.issued_per_hour));
    BOOST_TEST((got.issued_per_day == want.issued_per_day));
    BOOST_TEST((got.expiring_per_week == want.expiring_per_week));
}

// Random rows around k_base: issued up to 100 days before, valid from an hour to 200 days, so
// that every bucket kind and both sides of each time below are populated.
std::vector<known_row> random_rows(std::mt19937_64& rng, std::int64_t first_sn, int n) {
    static const char* const apis[] = {"enos", "foundry", "emca", "pki", "server"};
    std::vector<known_row> rows;
    for (int i = 0; i < n; ++i) {
        known_row r;
        r.sn = first_sn + i;
        r.api = apis[rng() % 5];
        r.authority = rng() % 2 ? "ECC" : "RSA";
        r.not_before = k_base - static_cast<std::int64_t>(rng() % (100 * k_day));
        r.not_after = r.not_before + k_hour + static_cast<std::int64_t>(rng() % (200 * k_day));
        rows.push_back(r);
    }
    return rows;
}

void insert_rows(connection& db, const std::vector<known_row>& rows) {
    for (const auto& k : rows) {
        certificate_row r;
        r.sn = k.sn;
        r.authority = k.authority;
        r.api = k.api;
        r.profile = "device";
        r.subject_der = {0x30, 0x00};
        r.spki_sha256 = std::vector<std::uint8_t>(32, static_cast<std::uint8_t>(k.sn));
        r.not_before = k.not_before;
        r.not_after = k.not_after;
        r.der = {0x30, 0x00};
        insert_certificate(db, r);
    }
}

// The same rows into a database from before schema 14 (no count tables yet, which
// insert_certificate now writes): the columns of that time, by hand.
void insert_old_rows(connection& db, const std::vector<known_row>& rows) {
    for (const auto& k : rows) {
        statement_handle q(db, "INSERT INTO certificates (sn, authority, profile, subject_der, "
                               "spki_sha256, status, not_before, not_after, der, api) "
                               "VALUES (?, ?, 'device', ?, ?, 0, ?, ?, ?, ?)");
        q->bind(1, k.sn);
        q->bind(2, k.authority);
        q->bind_blob(3, std::vector<std::uint8_t>{0x30, 0x00});
        q->bind_blob(4, std::vector<std::uint8_t>(32, static_cast<std::uint8_t>(k.sn)));
        q->bind(5, k.not_before);
        q->bind(6, k.not_after);
        q->bind_blob(7, std::vector<std::uint8_t>{0x30, 0x00});
        q->bind(8, k.api);
        q->exec();
    }
}

// Times that move rows across expiry, week and bucket bounds, on both sides of the base.
const std::int64_t k_times[] = {k_base,
                                k_base + 1,
                                k_base - 3 * k_day - 7 * k_hour,
                                k_base + k_day,
                                k_base + 30 * k_day + 11 * k_hour,
                                k_base + 250 * k_day};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_admin_stats_counts, test::migrated_db)

BOOST_AUTO_TEST_CASE(exact_across_issue_revoke_retag_delete_and_time) {
    std::mt19937_64 rng(16);
    auto rows = random_rows(rng, 1, 600);
    insert_rows(db, rows);
    for (const auto now : k_times) {
        BOOST_TEST_CONTEXT("now " << now) {
            check_equal(admin::certificate_statistics(db, now), expected(rows, now));
        }
    }
    // Revocations one by one (as engine::revoke), a second revocation of the same row (a no-op),
    // and a batch in one transaction (as bulk revocation's writer job).
    for (std::size_t i = 0; i < rows.size(); i += 7) {
        BOOST_TEST(revoke_certificate(db, rows[i].sn, k_base, 1));
        rows[i].revoked = true;
    }
    BOOST_TEST(!revoke_certificate(db, rows[0].sn, k_base + 5, 4));
    db.begin_write();
    for (std::size_t i = 3; i < rows.size(); i += 11) {
        if (!rows[i].revoked) {
            BOOST_TEST(revoke_certificate(db, rows[i].sn, k_base, 5));
            rows[i].revoked = true;
        }
    }
    db.commit();
    // Re-tagging and re-dating (the triggers follow any change of a counted column), deletes.
    db.exec_script("UPDATE certificates SET api = 'pki', authority = 'ECC' WHERE sn % 13 = 0");
    db.exec_script("UPDATE certificates SET not_after = not_after + 86400, "
                   "not_before = not_before - 7200 WHERE sn % 17 = 0");
    db.exec_script("DELETE FROM certificates WHERE sn % 19 = 0");
    for (auto& r : rows) {
        if (r.sn % 13 == 0) {
            r.api = "pki";
            r.authority = "ECC";
        }
        if (r.sn % 17 == 0) {
            r.not_after += k_day;
            r.not_before -= 2 * k_hour;
        }
        r.deleted = r.sn % 19 == 0;
    }
    // More issuance after all that, into buckets that already exist and new ones.
    auto more = random_rows(rng, 1001, 200);
    insert_rows(db, more);
    rows.insert(rows.end(), more.begin(), more.end());
    for (const auto now : k_times) {
        BOOST_TEST_CONTEXT("now " << now) {
            check_equal(admin::certificate_statistics(db, now), expected(rows, now));
        }
    }
}

BOOST_AUTO_TEST_CASE(a_rolled_back_issue_leaves_the_counts_unchanged) {
    std::mt19937_64 rng(17);
    auto rows = random_rows(rng, 1, 50);
    insert_rows(db, rows);
    db.begin_write();
    insert_rows(db, random_rows(rng, 500, 20));
    db.rollback();
    check_equal(admin::certificate_statistics(db, k_base), expected(rows, k_base));
}

BOOST_AUTO_TEST_SUITE_END()

// A database that held certificates before schema 14: the migration counts them.
BOOST_AUTO_TEST_SUITE(storage_admin_stats_migration)

BOOST_AUTO_TEST_CASE(migration_14_backfills_the_counts_of_existing_rows) {
    test::temp_dir dir;
    options o;
    o.path = dir / "old.db";
    const auto db = open_connection(o);
    db->exec_script("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    for (const auto& m : schemas::all_migrations()) {
        if (m.version < 14) {
            db->exec_script(m.sql);
            db->exec_script("INSERT INTO schema_version (version) VALUES (" +
                            std::to_string(m.version) + ")");
        }
    }
    BOOST_TEST(!sql::table_exists(*db, "certificate_counts"));
    std::mt19937_64 rng(18);
    auto rows = random_rows(rng, 1, 400);
    insert_old_rows(*db, rows);
    for (std::size_t i = 0; i < rows.size(); i += 5) {
        BOOST_TEST(revoke_certificate(*db, rows[i].sn, k_base, 1));
        rows[i].revoked = true;
    }
    BOOST_TEST(migrate(*db) >= 14);
    for (const auto now : k_times) {
        BOOST_TEST_CONTEXT("now " << now) {
            check_equal(admin::certificate_statistics(*db, now), expected(rows, now));
        }
    }
    // And the counts follow from then on (insert_certificate, and the triggers for revocation).
    auto more = random_rows(rng, 1001, 50);
    insert_rows(*db, more);
    rows.insert(rows.end(), more.begin(), more.end());
    BOOST_TEST(revoke_certificate(*db, rows[1].sn, k_base, 1));
    rows[1].revoked = true;
    check_equal(admin::certificate_statistics(*db, k_base), expected(rows, k_base));
}

BOOST_AUTO_TEST_SUITE_END()
