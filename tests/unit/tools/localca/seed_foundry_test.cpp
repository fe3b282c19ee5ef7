// The "foundry" section of the seed file: validation naming the JSON path, tokens stored as
// SHA-256 only (and never printed), idempotent upserts, and a token another account holds
// refused.
#include "tools/localca/seed_foundry.hpp"

#include "ca/foundry/account_registry.hpp"
#include "storage/database.hpp"
#include "storage/foundry/account_repository.hpp"
#include "storage/sql_helpers.hpp"

#include "test_support.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using localca::test::error_of;
namespace tools = localca::tools;
namespace foundry = localca::storage::foundry;

namespace {

tools::seed_foundry parse(const std::string& text) {
    const auto doc = tools::parse_json_text(text, "seed");
    return tools::parse_seed_foundry(tools::json_node(doc.at("foundry"), "foundry"));
}

} // namespace

BOOST_AUTO_TEST_SUITE(tools_seed_foundry)

BOOST_AUTO_TEST_CASE(the_first_problem_is_named_by_path) {
    const auto err = [](const std::string& text) { return error_of([&] { parse(text); }); };
    BOOST_TEST(err(R"({"foundry":{"accounts":[{"accountId":"12345"}]}})") ==
               "foundry.accounts[0].accountId: must be 12 digits");
    BOOST_TEST(err(R"({"foundry":{"region":"US-EAST-1"}})") ==
               "foundry.region: must be an AWS region name such as us-east-1");
    BOOST_TEST(err(R"({"foundry":{"accounts":[{"accountId":"111111111111"},
        {"accountId":"111111111111"}]}})")
                   .find("foundry.accounts[1].accountId: duplicate accountId") == 0u);
    const auto dup = err(R"({"foundry":{"accounts":[
        {"accountId":"111111111111","tokens":["secret-token-1"]},
        {"accountId":"222222222222","tokens":["secret-token-1"]}]}})");
    BOOST_TEST(dup.find("foundry.accounts[1].tokens[0]: duplicate token") == 0u, dup);
    BOOST_TEST(dup.find("secret-token-1") == std::string::npos); // never printed
    BOOST_TEST(err(R"({"foundry":{"accounts":[{"accountId":"111111111111","tokens":["a b"]}]}})") ==
               "foundry.accounts[0].tokens[0]: must be visible ASCII characters without spaces");
    BOOST_TEST(err(R"({"foundry":{"accounts":[{"accountId":"111111111111","devices":["d","d"]}]}})")
                   .find("foundry.accounts[0].devices[1]: duplicate deviceId 'd'") == 0u);
    BOOST_TEST(err(R"({"foundry":{"acounts":[]}})") == "foundry.acounts: unknown key");
}

BOOST_AUTO_TEST_CASE(a_device_object_lists_rsa_fixtures) {
    const auto data = parse(R"({"foundry":{"accounts":[{"accountId":"111111111111","devices":[
        "plain", {"deviceId":"fx","fixtures":[{"authority":"RSA","validDays":365,
        "issuedDaysAgo":400},{"validDays":5,"revoked":"superseded"}]}]}]}})");
    const auto& account = data.accounts.at(0);
    BOOST_TEST((account.devices == std::vector<std::string>{"plain", "fx"}));
    BOOST_TEST(account.fixtures.count("plain") == 0u);
    const auto& fx = account.fixtures.at("fx");
    BOOST_TEST_REQUIRE(fx.size() == 2u);
    BOOST_TEST(fx[0].issued_days_ago == 400);
    BOOST_TEST(fx[1].revoked.value_or(-1) == 4); // superseded
    const auto err = [](const std::string& text) { return error_of([&] { parse(text); }); };
    BOOST_TEST(err(R"({"foundry":{"accounts":[{"accountId":"111111111111","devices":[
        {"deviceId":"fx","fixtures":[{"authority":"ECC","validDays":3}]}]}]}})") ==
               "foundry.accounts[0].devices[0].fixtures[0].authority: must be RSA (Foundry "
               "issues RSA certificates only)");
    BOOST_TEST(err(R"({"foundry":{"accounts":[{"accountId":"111111111111","devices":[
        {"fixtures":[]}]}]}})") == "foundry.accounts[0].devices[0].deviceId: is required");
    BOOST_TEST(err(R"({"foundry":{"accounts":[{"accountId":"111111111111","devices":[
        "fx", {"deviceId":"fx"}]}]}})")
                   .find("foundry.accounts[0].devices[1].deviceId: duplicate deviceId") == 0u);
}

BOOST_AUTO_TEST_CASE(apply_is_idempotent_and_stores_digests_only) {
    localca::test::temp_dir dir;
    localca::storage::options o;
    o.path = dir / "t.db";
    auto db = localca::storage::open_connection(o);
    localca::storage::migrate(*db);
    const auto data = parse(R"({"foundry":{"region":"eu-west-1","accounts":[
        {"accountId":"441898714953","tokens":["tok-1","tok-2"],"devices":["dev-1"]}]}})");
    int changed = 0, unchanged = 0;
    const auto count = [&](bool c) { ++(c ? changed : unchanged); };
    tools::apply_seed_foundry(*db, data, count);
    BOOST_TEST(changed == 4); // account, two tokens, device
    changed = unchanged = 0;
    tools::apply_seed_foundry(*db, data, count);
    BOOST_TEST(changed == 0);
    BOOST_TEST(unchanged == 4);

    const auto account =
        foundry::find_account_by_token(*db, localca::ca::foundry::token_digest("tok-2"));
    BOOST_TEST_REQUIRE(account.has_value());
    BOOST_TEST(account->account_id == "441898714953");
    BOOST_TEST((account->region == std::string("eu-west-1")));
    BOOST_TEST(foundry::find_account_device(*db, account->id, "dev-1").has_value());
    BOOST_TEST(localca::storage::sql::query_int64(
                   *db, "SELECT count(*) FROM account_tokens WHERE instr(token_sha256, "
                        "CAST('tok-1' AS BLOB)) > 0") == 0);

    const auto thief = parse(R"({"foundry":{"accounts":[
        {"accountId":"222222222222","tokens":["tok-1"]}]}})");
    BOOST_CHECK_THROW(tools::apply_seed_foundry(*db, thief, count), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
