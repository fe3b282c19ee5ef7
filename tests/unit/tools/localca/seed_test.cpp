// Seed parsing and applying: the documented format, errors that name the JSON path, an apply
// that is idempotent and all or nothing, app secrets sealed under their own context.
#include "tools/localca/seed.hpp"

#include "ca/enos/app_secret.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "storage/sql_helpers.hpp"
#include "storage/store.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

using localca::test::error_of;
using localca::test::temp_dir;
namespace tools = localca::tools;

BOOST_AUTO_TEST_SUITE(tools_seed)

BOOST_AUTO_TEST_CASE(parses_the_documented_format) {
    const auto d = tools::parse_seed(R"({"enos": {"orgs": [{"orgId": "o1",
        "apps": [{"appKey": "ak-1", "appSecret": "sk-1"}],
        "products": [{"productKey": "pk1", "biDirectionalAuth": true, "maxValidDay": 3650,
        "devices": [{"deviceKey": "dk1", "assetId": "asset1"}]}]}]}})");
    BOOST_REQUIRE(d.orgs.size() == 1u);
    BOOST_TEST(d.orgs[0].apps[0].app_secret == "sk-1");
    BOOST_TEST(d.orgs[0].products[0].max_valid_day == 3650);
    BOOST_TEST(d.orgs[0].products[0].devices[0].asset_id == "asset1");
}

BOOST_AUTO_TEST_CASE(first_problem_is_named_by_path) {
    auto err = [](const char* text) { return error_of([&] { tools::parse_seed(text); }); };
    BOOST_TEST(err(R"({"enos":{"orgs":[{"orgId":"o1","products":[{"productKey":"a",
        "biDirectionalAuth":true,"maxValidDay":1},{"productKey":"b","biDirectionalAuth":true,
        "maxValidDay":-3}]}]}})") ==
               "enos.orgs[0].products[1].maxValidDay: must be a positive integer");
    BOOST_TEST(err(R"({"enos":{"orgs":[{"orgId":"o1","products":[{"productKey":"a",
        "biDirectionalAuth":1,"maxValidDay":1}]}]}})") ==
               "enos.orgs[0].products[0].biDirectionalAuth: must be true or false");
    BOOST_TEST(err(R"({"enos":{"orgs":[{"orgId":""}]}})") ==
               "enos.orgs[0].orgId: must be a non-empty string");
    BOOST_TEST(err(R"({"enos":{"orgs":[{"orgId":"o","products":[{"productKey":"a",
        "biDirectionalAuth":true,"maxValidDay":1,"devices":[{"deviceKey":"d","assetId":"x"},
        {"deviceKey":"d","assetId":"y"}]}]}]}})")
                   .find("enos.orgs[0].products[0].devices[1].deviceKey: duplicate deviceKey") ==
               0u);
    BOOST_TEST(err(R"({"enos":{"orgs":[{"orgId":"o","apps":[{"appKey":"k","appSecret":"s"}]},
        {"orgId":"p","apps":[{"appKey":"k","appSecret":"s"}]}]}})")
                   .find("enos.orgs[1].apps[0].appKey: duplicate appKey") == 0u);
    BOOST_TEST(err(R"({"nosuch":{}})") == "nosuch: unknown key");
}

BOOST_AUTO_TEST_CASE(apply_is_idempotent_and_all_or_nothing) {
    temp_dir dir;
    localca::storage::options o;
    o.path = dir / "t.db";
    localca::storage::store store(o);
    const localca::ca::secret_box secrets(std::vector<std::uint8_t>(32, 5));
    const auto data = tools::parse_seed(R"({"enos": {"orgs": [{"orgId": "o1",
        "apps": [{"appKey": "ak-1", "appSecret": "sk-1"}],
        "products": [{"productKey": "pk1", "biDirectionalAuth": true, "maxValidDay": 3650,
        "devices": [{"deviceKey": "dk1", "assetId": "asset1"}]}]}]}})");
    auto first = tools::apply_seed(store, data, secrets, *localca::ca::real_time());
    BOOST_TEST(first.inserted_or_changed == 4);
    auto second = tools::apply_seed(store, data, secrets, *localca::ca::real_time());
    BOOST_TEST(second.inserted_or_changed == 0);
    BOOST_TEST(second.unchanged == 4);
    // Sealed, and under the app's own context.
    const auto app = localca::storage::enos::find_app(store.reader(), "ak-1");
    BOOST_TEST_REQUIRE(app.has_value());
    BOOST_TEST(localca::ca::open_text(secrets, app->app_secret_sealed,
                                      localca::ca::enos::app_secret_context("ak-1")) == "sk-1");
    // A device of another product claiming asset1: refused, and the new product is not written.
    const auto clash = tools::parse_seed(R"({"enos": {"orgs": [{"orgId": "o1",
        "products": [{"productKey": "pk2", "biDirectionalAuth": true, "maxValidDay": 1,
        "devices": [{"deviceKey": "dk9", "assetId": "asset1"}]}]}]}})");
    BOOST_CHECK_THROW(tools::apply_seed(store, clash, secrets, *localca::ca::real_time()),
                      std::runtime_error);
    auto& db = store.reader();
    BOOST_TEST(localca::storage::sql::query_int64(db, "SELECT count(*) FROM products") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
