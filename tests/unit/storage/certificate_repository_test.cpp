// Table certificates: round trips, revocation, and the live-duplicate lookups of the issuance
// policy, including that they search through their index.
#include "storage/certificate_repository.hpp"
#include "storage/live_duplicates.hpp"

#include "storage/database.hpp"
#include "storage/enos/tenant_repository.hpp"

// The query plans checked here are SQLite's (EXPLAIN QUERY PLAN), read through its trace hook.
#include "query_plan.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace localca;
using namespace localca::storage;
using namespace localca::storage::enos;
using localca::test::query_plan;
using localca::test::statement_recorder;

namespace {

constexpr std::int64_t now_certificate_repository = 1'700'000'000;

std::vector<std::uint8_t> bytes(std::uint8_t fill, std::size_t n) {
    return std::vector<std::uint8_t>(n, fill);
}

struct certificate_fixture {
    test::temp_dir dir;
    std::unique_ptr<storage::connection> db;
    std::int64_t device1 = 0;
    std::int64_t device2 = 0;

    certificate_fixture() {
        options o;
        o.path = dir / "ca.db";
        db = open_connection(o);
        migrate(*db);
        // Certificates reference devices (foreign key on), so make two real ones.
        const auto org = upsert_org(*db, "org");
        const auto product = upsert_product(*db, org, "prod", true, 365);
        device1 = upsert_device(*db, org, product, "dev1", "asset1");
        device2 = upsert_device(*db, org, product, "dev2", "asset2");
    }

    certificate_row live(std::int64_t sn, const std::string& cn, std::optional<std::int64_t> device,
                         std::uint8_t key = 0x11) const {
        certificate_row r;
        r.sn = sn;
        r.authority = "RSA";
        r.profile = "device";
        r.subject_der = {0x30, 0x0b, 0x31, 0x09};
        r.subject_cn = cn;
        r.spki_sha256 = bytes(key, 32);
        r.device = device;
        r.not_before = now_certificate_repository - 100;
        r.not_after = now_certificate_repository + 1000;
        r.der = bytes(0x42, 300);
        return r;
    }
};

void check_equal_certificate_repository(const certificate_row& a, const certificate_row& b) {
    BOOST_TEST(a.sn == b.sn);
    BOOST_TEST(a.authority == b.authority);
    BOOST_TEST(a.profile == b.profile);
    BOOST_TEST(a.subject_der == b.subject_der, boost::test_tools::per_element());
    BOOST_TEST((a.subject_cn == b.subject_cn));
    BOOST_TEST(a.spki_sha256 == b.spki_sha256, boost::test_tools::per_element());
    BOOST_TEST((a.device == b.device));
    BOOST_TEST((a.status == b.status));
    BOOST_TEST(a.not_before == b.not_before);
    BOOST_TEST(a.not_after == b.not_after);
    BOOST_TEST(a.der == b.der, boost::test_tools::per_element());
    BOOST_TEST((a.revoked_at == b.revoked_at));
    BOOST_TEST((a.revocation_reason == b.revocation_reason));
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_certificate_repository)

BOOST_FIXTURE_TEST_CASE(round_trip_with_every_field_set, certificate_fixture) {
    auto row = live(7, "dev1", device1);
    row.status = certificate_status::revoked;
    row.revoked_at = now_certificate_repository;
    row.revocation_reason = 1;
    insert_certificate(*db, row);
    const auto found = find_certificate(*db, 7);
    BOOST_REQUIRE(found.has_value());
    check_equal_certificate_repository(*found, row);
}

BOOST_FIXTURE_TEST_CASE(round_trip_with_optional_fields_absent, certificate_fixture) {
    auto row = live(8, "", std::nullopt);
    row.subject_cn.reset();
    row.subject_der.clear(); // an empty subject stays empty, not NULL (the column is NOT NULL)
    insert_certificate(*db, row);
    const auto found = find_certificate(*db, 8);
    BOOST_REQUIRE(found.has_value());
    check_equal_certificate_repository(*found, row);
    BOOST_TEST(!find_certificate(*db, 9).has_value());
}

BOOST_FIXTURE_TEST_CASE(duplicate_sn_throws, certificate_fixture) {
    insert_certificate(*db, live(10, "a", device1));
    BOOST_CHECK_THROW(insert_certificate(*db, live(10, "b", device2)), storage::database_error);
    BOOST_TEST(*find_certificate(*db, 10)->subject_cn == "a");
}

BOOST_FIXTURE_TEST_CASE(certificates_of_device_in_ascending_sn, certificate_fixture) {
    insert_certificate(*db, live(30, "x", device1));
    insert_certificate(*db, live(10, "x", device1));
    insert_certificate(*db, live(20, "y", device2));
    insert_certificate(*db, live(25, "z", std::nullopt));
    std::vector<std::int64_t> sns;
    for (const auto& r : certificates_of_device(*db, device1)) {
        sns.push_back(r.sn);
        BOOST_TEST((r.device == device1));
    }
    const std::vector<std::int64_t> expected{10, 30};
    BOOST_TEST(sns == expected, boost::test_tools::per_element());
    BOOST_TEST(certificates_of_device(*db, 9999).empty());
}

BOOST_FIXTURE_TEST_CASE(revoking_twice_keeps_the_first_revocation, certificate_fixture) {
    insert_certificate(*db, live(5, "dev1", device1));
    BOOST_TEST(revoke_certificate(*db, 5, now_certificate_repository, 1));
    BOOST_TEST(!revoke_certificate(*db, 5, now_certificate_repository + 50, 4));
    BOOST_TEST(!revoke_certificate(*db, 6, now_certificate_repository, 1)); // unknown
    const auto found = find_certificate(*db, 5);
    BOOST_TEST((found->status == certificate_status::revoked));
    BOOST_TEST((found->revoked_at == std::optional<std::int64_t>(now_certificate_repository)));
    BOOST_TEST((found->revocation_reason == std::optional<int>(1)));
}

BOOST_FIXTURE_TEST_CASE(revoked_of_authority_lists_only_that_authority, certificate_fixture) {
    for (std::int64_t sn : {4, 1, 3, 2}) {
        auto r = live(sn, "c" + std::to_string(sn), device1);
        r.authority = sn % 2 ? "RSA" : "ECC";
        insert_certificate(*db, r);
    }
    revoke_certificate(*db, 3, now_certificate_repository + 3, 5);
    revoke_certificate(*db, 1, now_certificate_repository + 1, 0);
    revoke_certificate(*db, 2, now_certificate_repository + 2, 1); // ECC
    const auto rsa = revoked_of_authority(*db, "RSA");
    BOOST_REQUIRE(rsa.size() == 2u);
    BOOST_TEST(rsa[0].sn == 1);
    BOOST_TEST(rsa[0].revoked_at == now_certificate_repository + 1);
    BOOST_TEST(rsa[0].reason == 0);
    BOOST_TEST(rsa[1].sn == 3);
    BOOST_TEST(rsa[1].revoked_at == now_certificate_repository + 3);
    BOOST_TEST(rsa[1].reason == 5);
    const auto ecc = revoked_of_authority(*db, "ECC");
    BOOST_REQUIRE(ecc.size() == 1u);
    BOOST_TEST(ecc[0].sn == 2);
    BOOST_TEST(revoked_of_authority(*db, "NONE").empty());
}

BOOST_FIXTURE_TEST_CASE(max_certificate_sn_of_empty_and_filled_table, certificate_fixture) {
    BOOST_TEST(max_certificate_sn(*db) == 0);
    insert_certificate(*db, live(12, "a", device1));
    insert_certificate(*db, live(99, "b", device1));
    insert_certificate(*db, live(50, "c", device1));
    BOOST_TEST(max_certificate_sn(*db) == 99);
}

BOOST_FIXTURE_TEST_CASE(live_cn_elsewhere_semantics, certificate_fixture) {
    insert_certificate(*db, live(1, "shared", device1));
    // Same device asks: its own certificate is not "elsewhere".
    BOOST_TEST(!live_cn_elsewhere(*db, "shared", device1, now_certificate_repository).has_value());
    // Another device, or no device, asks: it is.
    BOOST_TEST((live_cn_elsewhere(*db, "shared", device2, now_certificate_repository) ==
                std::optional<std::int64_t>(1)));
    BOOST_TEST((live_cn_elsewhere(*db, "shared", std::nullopt, now_certificate_repository) ==
                std::optional<std::int64_t>(1)));
    // Unrelated CN, and the CN compared exactly.
    BOOST_TEST(!live_cn_elsewhere(*db, "other", device2, now_certificate_repository).has_value());
    BOOST_TEST(!live_cn_elsewhere(*db, "Shared", device2, now_certificate_repository).has_value());
    // Skipping the certificate being renewed.
    BOOST_TEST(
        !live_cn_elsewhere(*db, "shared", device2, now_certificate_repository, 1).has_value());
    BOOST_TEST((live_cn_elsewhere(*db, "shared", device2, now_certificate_repository, 2) ==
                std::optional<std::int64_t>(1)));
}

BOOST_FIXTURE_TEST_CASE(live_cn_elsewhere_counts_unbound_certificates, certificate_fixture) {
    insert_certificate(*db, live(2, "loose", std::nullopt));
    BOOST_TEST((live_cn_elsewhere(*db, "loose", device1, now_certificate_repository) ==
                std::optional<std::int64_t>(2)));
    BOOST_TEST((live_cn_elsewhere(*db, "loose", std::nullopt, now_certificate_repository) ==
                std::optional<std::int64_t>(2)));
}

BOOST_FIXTURE_TEST_CASE(live_lookups_find_other_devices_on_either_side, certificate_fixture) {
    // The asking device's own entries are skipped by seeking below and above its id (and to the
    // device-less entries): a duplicate must be found on each side.
    const auto org = upsert_org(*db, "org");
    const auto product = upsert_product(*db, org, "prod", true, 365);
    const auto device3 = upsert_device(*db, org, product, "dev3", "asset3");
    BOOST_REQUIRE(device1 < device2);
    BOOST_REQUIRE(device2 < device3);
    // Many of the asking device's own certificates, for the CN and the key.
    for (std::int64_t sn = 10; sn < 40; ++sn) {
        insert_certificate(*db, live(sn, "mine", device2, 0x22));
    }
    BOOST_TEST(!live_cn_elsewhere(*db, "mine", device2, now_certificate_repository).has_value());
    BOOST_TEST(
        !live_key_elsewhere(*db, bytes(0x22, 32), device2, now_certificate_repository).has_value());

    insert_certificate(*db, live(50, "mine", device3, 0x22)); // above the asking device
    BOOST_TEST((live_cn_elsewhere(*db, "mine", device2, now_certificate_repository) ==
                std::optional<std::int64_t>(50)));
    BOOST_TEST((live_key_elsewhere(*db, bytes(0x22, 32), device2, now_certificate_repository) ==
                std::optional<std::int64_t>(50)));
    revoke_certificate(*db, 50, now_certificate_repository, 0);
    BOOST_TEST(!live_cn_elsewhere(*db, "mine", device2, now_certificate_repository).has_value());

    insert_certificate(*db, live(51, "mine", device1, 0x22)); // below it
    BOOST_TEST((live_cn_elsewhere(*db, "mine", device2, now_certificate_repository) ==
                std::optional<std::int64_t>(51)));
    BOOST_TEST((live_key_elsewhere(*db, bytes(0x22, 32), device2, now_certificate_repository) ==
                std::optional<std::int64_t>(51)));
    // Skipping the one being renewed leaves nothing elsewhere.
    BOOST_TEST(
        !live_cn_elsewhere(*db, "mine", device2, now_certificate_repository, 51).has_value());
    revoke_certificate(*db, 51, now_certificate_repository, 0);

    insert_certificate(*db, live(52, "mine", std::nullopt, 0x22)); // bound to no device
    BOOST_TEST((live_cn_elsewhere(*db, "mine", device2, now_certificate_repository) ==
                std::optional<std::int64_t>(52)));
    BOOST_TEST((live_key_elsewhere(*db, bytes(0x22, 32), device2, now_certificate_repository) ==
                std::optional<std::int64_t>(52)));
    // Without a device, any live certificate is a duplicate: the asking "device" owns none.
    const auto any = live_cn_elsewhere(*db, "mine", std::nullopt, now_certificate_repository);
    BOOST_TEST(any.has_value());
}

BOOST_FIXTURE_TEST_CASE(expired_and_revoked_certificates_are_not_live, certificate_fixture) {
    auto expired = live(3, "old", device1);
    expired.not_after = now_certificate_repository; // not_after must be strictly after now
    insert_certificate(*db, expired);
    BOOST_TEST(!live_cn_elsewhere(*db, "old", device2, now_certificate_repository).has_value());
    BOOST_TEST((live_cn_elsewhere(*db, "old", device2, now_certificate_repository - 1) ==
                std::optional<std::int64_t>(3)));

    insert_certificate(*db, live(4, "gone", device1, 0x44));
    BOOST_TEST(live_cn_elsewhere(*db, "gone", device2, now_certificate_repository).has_value());
    BOOST_TEST(
        live_key_elsewhere(*db, bytes(0x44, 32), device2, now_certificate_repository).has_value());
    revoke_certificate(*db, 4, now_certificate_repository, 0);
    BOOST_TEST(!live_cn_elsewhere(*db, "gone", device2, now_certificate_repository).has_value());
    BOOST_TEST(
        !live_key_elsewhere(*db, bytes(0x44, 32), device2, now_certificate_repository).has_value());
}

BOOST_FIXTURE_TEST_CASE(live_key_elsewhere_semantics, certificate_fixture) {
    insert_certificate(*db, live(1, "a", device1, 0xaa));
    insert_certificate(*db, live(2, "b", std::nullopt, 0xbb));
    const auto key_a = bytes(0xaa, 32);
    BOOST_TEST(!live_key_elsewhere(*db, key_a, device1, now_certificate_repository).has_value());
    BOOST_TEST((live_key_elsewhere(*db, key_a, device2, now_certificate_repository) ==
                std::optional<std::int64_t>(1)));
    BOOST_TEST((live_key_elsewhere(*db, key_a, std::nullopt, now_certificate_repository) ==
                std::optional<std::int64_t>(1)));
    BOOST_TEST(!live_key_elsewhere(*db, key_a, device2, now_certificate_repository, 1).has_value());
    BOOST_TEST((live_key_elsewhere(*db, bytes(0xbb, 32), device1, now_certificate_repository) ==
                std::optional<std::int64_t>(2)));
    BOOST_TEST(
        !live_key_elsewhere(*db, bytes(0xcc, 32), device1, now_certificate_repository).has_value());
    BOOST_TEST(
        !live_key_elsewhere(*db, bytes(0xaa, 31), device2, now_certificate_repository).has_value());
    auto expired = live(3, "c", device1, 0xdd);
    expired.not_after = now_certificate_repository - 1;
    insert_certificate(*db, expired);
    BOOST_TEST(
        !live_key_elsewhere(*db, bytes(0xdd, 32), device2, now_certificate_repository).has_value());
}

BOOST_FIXTURE_TEST_CASE(live_lookups_search_their_index, certificate_fixture) {
    // Enough rows, on both devices and with some expired, that a scan would be a real choice.
    for (std::int64_t sn = 1; sn <= 500; ++sn) {
        auto r = live(sn, "cn" + std::to_string(sn % 50), sn % 3 ? device1 : device2,
                      static_cast<std::uint8_t>(sn % 200));
        if (sn % 7 == 0) {
            r.not_after = now_certificate_repository - 1;
        }
        insert_certificate(*db, r);
    }
    db->exec_script("ANALYZE");

    struct lookup {
        const char* index; // as EXPLAIN QUERY PLAN names it after "USING "
        std::function<void()> call;
    };
    // The duplicate checks must not read the table at all (schemas/006): covering indexes.
    const std::vector<lookup> lookups{
        {"COVERING INDEX certificates_live_cn",
         [&] { live_cn_elsewhere(*db, "cn7", device1, now_certificate_repository); }},
        {"COVERING INDEX certificates_live_cn",
         [&] { live_cn_elsewhere(*db, "cn7", std::nullopt, now_certificate_repository, 7); }},
        {"COVERING INDEX certificates_live_spki",
         [&] { live_key_elsewhere(*db, bytes(7, 32), device1, now_certificate_repository); }},
        {"COVERING INDEX certificates_live_spki",
         [&] { live_key_elsewhere(*db, bytes(7, 32), std::nullopt, now_certificate_repository); }},
        {"INDEX certificates_revoked (", [&] { revoked_of_authority(*db, "RSA"); }},
        {"INDEX certificates_device", [&] { certificates_of_device(*db, device1); }},
    };
    for (const auto& l : lookups) {
        std::vector<std::string> statements;
        {
            statement_recorder recorder(*db);
            l.call();
            statements = recorder.statements();
        }
        BOOST_REQUIRE(statements.size() == 1u);
        const auto plan = query_plan(*db, statements[0]);
        BOOST_TEST(plan.find(std::string("USING ") + l.index) != std::string::npos,
                   statements[0] << "\nplan:\n"
                                 << plan);
        BOOST_TEST(plan.find("SCAN certificates") == std::string::npos, plan);
        BOOST_TEST(plan.find("TEMP B-TREE") == std::string::npos, plan);
    }

    // With a device, the duplicate checks seek past that device's own entries instead of
    // reading them: three searches bounded on the device column.
    const std::vector<std::function<void()>> device_lookups{
        [&] { live_cn_elsewhere(*db, "cn7", device1, now_certificate_repository); },
        [&] { live_key_elsewhere(*db, bytes(7, 32), device1, now_certificate_repository); },
    };
    for (const auto& call : device_lookups) {
        std::vector<std::string> statements;
        {
            statement_recorder recorder(*db);
            call();
            statements = recorder.statements();
        }
        BOOST_REQUIRE(statements.size() == 1u);
        const auto plan = query_plan(*db, statements[0]);
        for (const char* bound : {"device=?", "device<?", "device>?"}) {
            BOOST_TEST(plan.find(bound) != std::string::npos, bound << " not in plan:\n" << plan);
        }
        BOOST_TEST(plan.find("device!=") == std::string::npos, plan);
    }

    // Both lookups in one statement: each subquery through its own covering index.
    for (const std::optional<std::int64_t> device :
         {std::optional<std::int64_t>(device1), std::optional<std::int64_t>()}) {
        std::vector<std::string> statements;
        {
            statement_recorder recorder(*db);
            live_cn_and_key_elsewhere(*db, "cn7", bytes(7, 32), device, now_certificate_repository);
            statements = recorder.statements();
        }
        BOOST_REQUIRE(statements.size() == 1u);
        const auto plan = query_plan(*db, statements[0]);
        for (const char* index :
             {"COVERING INDEX certificates_live_cn", "COVERING INDEX certificates_live_spki"}) {
            BOOST_TEST(plan.find(std::string("USING ") + index) != std::string::npos,
                       index << " not in plan:\n"
                             << plan);
        }
        BOOST_TEST(plan.find("SCAN certificates") == std::string::npos, plan);
    }
}

BOOST_FIXTURE_TEST_CASE(both_lookups_in_one_statement_answer_as_each_alone, certificate_fixture) {
    const auto org = upsert_org(*db, "org");
    const auto product = upsert_product(*db, org, "prod", true, 365);
    const auto device3 = upsert_device(*db, org, product, "dev3", "asset3");
    insert_certificate(*db, live(1, "a", device1, 0xaa));
    insert_certificate(*db, live(2, "b", device2, 0xbb));
    insert_certificate(*db, live(3, "c", std::nullopt, 0xcc));
    insert_certificate(*db, live(4, "a", device3, 0xdd));
    auto expired = live(5, "e", device2, 0xee);
    expired.not_after = now_certificate_repository;
    insert_certificate(*db, expired);
    insert_certificate(*db, live(6, "f", device3, 0xff));
    revoke_certificate(*db, 6, now_certificate_repository, 0);

    int both_found = 0;
    for (const char* cn : {"a", "b", "c", "e", "f", "none"}) {
        for (std::uint8_t key : {0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00}) {
            for (const auto device :
                 {std::optional<std::int64_t>(device1), std::optional<std::int64_t>(device2),
                  std::optional<std::int64_t>(device3), std::optional<std::int64_t>()}) {
                for (const auto except :
                     {std::optional<std::int64_t>(), std::optional<std::int64_t>(1),
                      std::optional<std::int64_t>(4)}) {
                    const auto got = live_cn_and_key_elsewhere(*db, cn, bytes(key, 32), device,
                                                               now_certificate_repository, except);
                    const auto cn_alone =
                        live_cn_elsewhere(*db, cn, device, now_certificate_repository, except);
                    const auto key_alone = live_key_elsewhere(*db, bytes(key, 32), device,
                                                              now_certificate_repository, except);
                    BOOST_TEST((got.cn_sn == cn_alone), cn << " " << int(key));
                    BOOST_TEST((got.key_sn == key_alone), cn << " " << int(key));
                    both_found += got.cn_sn && got.key_sn;
                }
            }
        }
    }
    BOOST_TEST(both_found > 0); // the matrix has cases where both are found
}

BOOST_AUTO_TEST_SUITE_END()
