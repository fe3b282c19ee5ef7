// Tables accounts, account_tokens and account_devices: upserts that report a change only when
// they make one, tokens looked up by digest (and moved between accounts), devices per account.
#include "storage/foundry/account_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::foundry;

namespace {

std::vector<std::uint8_t> digest(std::uint8_t fill) {
    return std::vector<std::uint8_t>(32, fill);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_foundry_account_repository, test::migrated_db)

BOOST_AUTO_TEST_CASE(an_account_upsert_changes_only_what_differs) {
    bool changed = false;
    const auto id = upsert_account(db, "441898714953", std::nullopt, &changed);
    BOOST_TEST(changed);
    BOOST_TEST(upsert_account(db, "441898714953", std::nullopt, &changed) == id);
    BOOST_TEST(!changed);
    BOOST_TEST(upsert_account(db, "441898714953", std::string("us-west-2"), &changed) == id);
    BOOST_TEST(changed);
    const auto row = find_account_by_id(db, id);
    BOOST_TEST_REQUIRE(row.has_value());
    BOOST_TEST(row->account_id == "441898714953");
    BOOST_TEST((row->region == std::string("us-west-2")));
    // Back to the server's default region is a change too.
    upsert_account(db, "441898714953", std::nullopt, &changed);
    BOOST_TEST(changed);
    BOOST_TEST(!find_account_by_id(db, id)->region.has_value());
    BOOST_TEST(!find_account_by_id(db, id + 1).has_value());
    BOOST_TEST(count_accounts(db) == 1);
}

BOOST_AUTO_TEST_CASE(a_token_finds_its_account_and_can_be_moved) {
    const auto a = upsert_account(db, "111111111111", std::nullopt);
    const auto b = upsert_account(db, "222222222222", std::string("eu-west-1"));
    bool changed = false;
    upsert_account_token(db, a, digest(1), &changed);
    BOOST_TEST(changed);
    upsert_account_token(db, a, digest(1), &changed);
    BOOST_TEST(!changed);
    BOOST_TEST((token_owner(db, digest(1)) == a));
    BOOST_TEST(!token_owner(db, digest(2)).has_value());
    BOOST_TEST(!find_account_by_token(db, digest(2)).has_value());
    // The documented move: the same digest upserted for b belongs to b afterwards.
    upsert_account_token(db, b, digest(1), &changed);
    BOOST_TEST(changed);
    const auto owner = find_account_by_token(db, digest(1));
    BOOST_TEST_REQUIRE(owner.has_value());
    BOOST_TEST(owner->id == b);
    BOOST_TEST(owner->account_id == "222222222222");
    BOOST_TEST((owner->region == std::string("eu-west-1")));
}

BOOST_AUTO_TEST_CASE(devices_belong_to_one_account) {
    const auto a = upsert_account(db, "111111111111", std::nullopt);
    const auto b = upsert_account(db, "222222222222", std::nullopt);
    bool changed = false;
    const auto device = upsert_account_device(db, a, "dev-1", &changed);
    BOOST_TEST(changed);
    BOOST_TEST(upsert_account_device(db, a, "dev-1", &changed) == device);
    BOOST_TEST(!changed);
    BOOST_TEST((find_account_device(db, a, "dev-1") == device));
    BOOST_TEST(!find_account_device(db, b, "dev-1").has_value());
    // The same device id in another account is another device.
    BOOST_TEST(upsert_account_device(db, b, "dev-1") != device);
    // Accounts must exist (foreign key).
    BOOST_CHECK_THROW(upsert_account_device(db, b + 100, "dev-1"), storage::database_error);
}

BOOST_AUTO_TEST_SUITE_END()
