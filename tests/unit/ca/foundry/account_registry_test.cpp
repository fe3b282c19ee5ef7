// ca::foundry::account_registry: a bearer token finds its account by SHA-256 only, devices per
// account, and whether any account is registered.
#include "ca/foundry/account_registry.hpp"

#include "storage/foundry/account_repository.hpp"

#include "engine_fixture.hpp"

#include <botan/hash.h>
#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_FIXTURE_TEST_SUITE(ca_foundry_account_registry, test::engine_fixture)

BOOST_AUTO_TEST_CASE(the_digest_is_sha256_of_the_token) {
    const auto d = ca::foundry::token_digest("abc");
    BOOST_TEST(Botan::hex_encode(d, false) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

BOOST_AUTO_TEST_CASE(tokens_find_their_account_and_devices_stay_in_it) {
    ca::foundry::account_registry accounts(*store);
    BOOST_TEST(!accounts.any_account());
    std::int64_t a = 0;
    write([&](storage::connection& db) {
        a = storage::foundry::upsert_account(db, "441898714953", std::string("us-west-2"));
        storage::foundry::upsert_account_token(db, a, ca::foundry::token_digest("secret-token"));
        storage::foundry::upsert_account_device(db, a, "dev-1");
        storage::foundry::upsert_account(db, "111111111111", std::nullopt);
    });
    BOOST_TEST(accounts.any_account());
    const auto found = accounts.find_by_token("secret-token");
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(found->id == a);
    BOOST_TEST(found->account_id == "441898714953");
    BOOST_TEST((found->region == std::string("us-west-2")));
    BOOST_TEST(!accounts.find_by_token("secret-token ").has_value());
    BOOST_TEST(!accounts.find_by_token("").has_value());
    BOOST_TEST(accounts.has_device(a, "dev-1"));
    BOOST_TEST(!accounts.has_device(a, "dev-2"));
    BOOST_TEST(!accounts.has_device(a + 1, "dev-1"));
}

BOOST_AUTO_TEST_SUITE_END()
