// The operator API's statistics: counts per (api, authority, status) with expired split from
// valid, issuance per hour and day, live certificates expiring per week, the CRL numbers and
// the audit log's size.
#include "storage/admin/stats.hpp"

#include "storage/audit_repository.hpp"
#include "storage/authority_repository.hpp"
#include "storage/crl_state_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

namespace {

constexpr std::int64_t hour = 3600, day = 86400, week = 7 * day;
constexpr std::int64_t now_stats = 1'800'000'000 / day * day + 12 * hour; // noon

std::int64_t count_of(const admin::certificate_stats& s, const std::string& api,
                      const std::string& authority, const std::string& status) {
    for (const auto& c : s.counts) {
        if (c.api == api && c.authority == authority && c.status == status) {
            return c.count;
        }
    }
    return 0;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_admin_stats, test::migrated_db)

BOOST_AUTO_TEST_CASE(counts_and_buckets) {
    add_certificate(1, std::nullopt, now_stats - 2 * hour, now_stats + week + day); // valid, week 1
    add_certificate(2, std::nullopt, now_stats - 2 * hour + 60, now_stats + day);   // valid, week 0
    add_certificate(3, std::nullopt, now_stats - 3 * day, now_stats - 1);           // expired
    add_certificate(4, std::nullopt, now_stats - 3 * day, now_stats + day);         // revoked below
    add_certificate(5, std::nullopt, now_stats - 100 * day,
                    now_stats + 20 * week); // too old, too far
    revoke_certificate(db, 4, now_stats, 0);
    db.exec_script("UPDATE certificates SET api = 'enos' WHERE sn = 2");
    db.exec_script("UPDATE certificates SET authority = 'ECC' WHERE sn = 3");

    const auto s = admin::certificate_statistics(db, now_stats);
    BOOST_TEST(count_of(s, "pki", "RSA", "valid") == 2);
    BOOST_TEST(count_of(s, "enos", "RSA", "valid") == 1);
    BOOST_TEST(count_of(s, "pki", "ECC", "expired") == 1);
    BOOST_TEST(count_of(s, "pki", "RSA", "revoked") == 1);
    BOOST_TEST(s.counts.size() == 4u);

    // Both issued two hours ago fall in one hour bucket; the 100-day-old one in no day bucket.
    BOOST_TEST(s.issued_per_hour.at(now_stats - 2 * hour) == 2);
    BOOST_TEST(s.issued_per_hour.size() == 2u);
    BOOST_TEST(s.issued_per_day.at(now_stats / day * day) == 2);
    BOOST_TEST(s.issued_per_day.at((now_stats - 3 * day) / day * day) == 2);
    BOOST_TEST(s.issued_per_day.size() == 2u);

    // Live ones only (not the revoked sn 4), within 12 weeks, by week from now.
    // Weeks from the start of today (UTC): now + 1 day is in week 0, now + 8 days in
    // week 1.
    BOOST_TEST(s.expiring_per_week.at(now_stats / day * day) == 1);
    BOOST_TEST(s.expiring_per_week.at(now_stats / day * day + week) == 1);
    BOOST_TEST(s.expiring_per_week.size() == 2u);
}

BOOST_AUTO_TEST_CASE(crl_numbers_per_authority) {
    for (const char* name : {"RSA", "ECC"}) {
        authority_row r;
        r.name = name;
        r.cert_der = {0x30, 0x00};
        insert_authority(db, r);
    }
    BOOST_TEST(store_next_crl(db, "RSA", 1, 1234, 0));
    const auto crls = admin::authority_crls(db);
    BOOST_TEST_REQUIRE(crls.size() == 2u);
    BOOST_TEST(crls[0].name == "ECC");
    BOOST_TEST(crls[1].name == "RSA");
    BOOST_TEST(crls[1].crl_number == 1);
    BOOST_TEST((crls[1].crl_this_update == std::int64_t{1234}));
}

BOOST_AUTO_TEST_CASE(audit_entries_are_counted) {
    BOOST_TEST(admin::audit_entry_count(db) == 0);
    for (std::int64_t id = 1; id <= 3; ++id) {
        audit_row r;
        r.id = id;
        r.at = now_stats;
        r.actor = "cli";
        r.action = "start";
        r.outcome = "ok";
        r.prev_hash = std::string(64, '0');
        r.hash = std::string(64, static_cast<char>('0' + id));
        insert_audit(db, r);
    }
    BOOST_TEST(admin::audit_entry_count(db) == 3);
}

BOOST_AUTO_TEST_SUITE_END()
