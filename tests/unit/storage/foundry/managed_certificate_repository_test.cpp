// Tables managed_certificates and managed_certificate_topics: the state round trip, the account
// boundary of a lookup, the policy replaced in order, and which certificates grant topics.
#include "storage/foundry/managed_certificate_repository.hpp"

#include "storage/certificate_repository.hpp"
#include "storage/foundry/account_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::foundry;

namespace {

constexpr std::int64_t now_managed_certificate_repository = 1'800'000'000;

struct managed_fixture : test::migrated_db {
    std::int64_t account = upsert_account(db, "441898714953", std::nullopt);
    std::int64_t other_account = upsert_account(db, "111122223333", std::string("eu-west-1"));
};

std::vector<std::string> filters_of(const std::vector<topic_grant>& grants, const std::string& cn) {
    std::vector<std::string> out;
    for (const auto& g : grants) {
        if (g.subject_cn == cn) {
            out.push_back(g.filter);
        }
    }
    return out;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_foundry_managed_certificate_repository, managed_fixture)

BOOST_AUTO_TEST_CASE(a_managed_certificate_round_trips_with_its_certificate) {
    const auto cert =
        add_certificate(7, std::string("thing-7"), now_managed_certificate_repository - 10,
                        now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 7, account, "ab12", false, {"dt/+/x", "cmd/#"});
    const auto row = find_managed_certificate(db, account, "ab12");
    BOOST_TEST_REQUIRE(row.has_value());
    BOOST_TEST(row->sn == 7);
    BOOST_TEST(row->account == account);
    BOOST_TEST(row->cert_id == "ab12");
    BOOST_TEST(!row->active);
    BOOST_TEST(!row->device.has_value());
    BOOST_TEST(!row->device_id.has_value());
    BOOST_TEST(!row->revoked);
    BOOST_TEST(row->not_before == cert.not_before);
    BOOST_TEST(row->not_after == cert.not_after);
    BOOST_TEST((row->subject_cn == cert.subject_cn));
    BOOST_TEST(row->der == cert.der, boost::test_tools::per_element());
    // Policy order, not alphabetical order.
    BOOST_TEST(row->topics == (std::vector<std::string>{"dt/+/x", "cmd/#"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(another_accounts_certificate_is_not_found) {
    add_certificate(8, std::string("thing-8"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 8, account, "cd34", true, {});
    BOOST_TEST(!find_managed_certificate(db, other_account, "cd34").has_value());
    BOOST_TEST(!find_managed_certificate(db, account, "unknown").has_value());
    BOOST_TEST(find_managed_certificate(db, account, "cd34").has_value());
}

BOOST_AUTO_TEST_CASE(the_certificate_row_must_exist_and_cert_ids_are_unique) {
    BOOST_CHECK_THROW(insert_managed_certificate(db, 99, account, "nope", false, {}),
                      storage::database_error);
    add_certificate(9, std::string("thing-9"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    add_certificate(10, std::string("thing-10"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 9, account, "same", false, {});
    BOOST_CHECK_THROW(insert_managed_certificate(db, 10, account, "same", false, {}),
                      storage::database_error);
}

BOOST_AUTO_TEST_CASE(an_update_sets_state_and_device_and_replaces_the_policy) {
    add_certificate(11, std::string("thing-11"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 11, account, "ef56", false, {"a/1", "a/2", "a/3"});
    const auto device = upsert_account_device(db, account, "device-1");
    BOOST_TEST(!device_has_certificate(db, device));
    update_managed_certificate(db, 11, true, device, {"b/#"});
    BOOST_TEST(device_has_certificate(db, device));
    auto row = find_managed_certificate(db, account, "ef56");
    BOOST_TEST_REQUIRE(row.has_value());
    BOOST_TEST(row->active);
    BOOST_TEST((row->device == device));
    BOOST_TEST((row->device_id == std::string("device-1")));
    BOOST_TEST(row->topics == (std::vector<std::string>{"b/#"}), boost::test_tools::per_element());
    // No leftover positions of the longer old policy.
    BOOST_TEST(count("managed_certificate_topics") == 1);

    update_managed_certificate(db, 11, false, std::nullopt, {});
    row = find_managed_certificate(db, account, "ef56");
    BOOST_TEST(!row->active);
    BOOST_TEST(!row->device.has_value());
    BOOST_TEST(row->topics.empty());
    BOOST_TEST(!device_has_certificate(db, device));
}

BOOST_AUTO_TEST_CASE(revocation_shows_in_the_row) {
    add_certificate(12, std::string("thing-12"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 12, account, "0a0b", true, {"t"});
    BOOST_TEST(storage::revoke_certificate(db, 12, now_managed_certificate_repository, 1));
    BOOST_TEST(find_managed_certificate(db, account, "0a0b")->revoked);
}

BOOST_AUTO_TEST_CASE(only_active_live_named_certificates_grant_topics) {
    add_certificate(20, std::string("b-active"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 20, account, "c20", true, {"z/#", "a/+"});
    add_certificate(21, std::string("a-active"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 21, other_account, "c21", true, {"m"});
    add_certificate(22, std::string("inactive"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 22, account, "c22", false, {"x"});
    add_certificate(23, std::string("revoked"), now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 23, account, "c23", true, {"x"});
    storage::revoke_certificate(db, 23, now_managed_certificate_repository, 0);
    add_certificate(24, std::string("expired"), now_managed_certificate_repository - 1000,
                    now_managed_certificate_repository);
    insert_managed_certificate(db, 24, account, "c24", true, {"x"});
    add_certificate(25, std::nullopt, now_managed_certificate_repository - 10,
                    now_managed_certificate_repository + 1000);
    insert_managed_certificate(db, 25, account, "c25", true, {"x"});

    const auto grants = active_topic_grants(db, now_managed_certificate_repository);
    BOOST_TEST_REQUIRE(grants.size() == 3u);
    // Ordered by CN, then filter.
    BOOST_TEST(grants[0].subject_cn == "a-active");
    BOOST_TEST(filters_of(grants, "b-active") == (std::vector<std::string>{"a/+", "z/#"}),
               boost::test_tools::per_element());
    // An expired certificate stops granting at not_after, not after it.
    BOOST_TEST(
        filters_of(active_topic_grants(db, now_managed_certificate_repository - 1), "expired")
            .size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
