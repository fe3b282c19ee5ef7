// Config and seed parsing: typed values, documented defaults, errors that name the JSON path.
#include "ca/enos/app_secret.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "storage/sql_helpers.hpp"
#include "storage/store.hpp"
#include "test_support.hpp"
#include "tools/localca/config.hpp"
#include "tools/localca/json_reader.hpp"
#include "tools/localca/seed.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

using localca::test::error_of;
using localca::test::temp_dir;
namespace tools = localca::tools;

namespace {

tools::config config_from(const temp_dir& dir, const std::string& text) {
    const auto p = dir / "config.json";
    std::ofstream(p) << text;
    return tools::load_config(p);
}

} // namespace

BOOST_AUTO_TEST_SUITE(tools_config)

BOOST_AUTO_TEST_CASE(defaults_are_documented_values) {
    tools::config c;
    c.validate();
    BOOST_TEST(c.server.listen == "127.0.0.1:8080");
    BOOST_TEST(c.server.limit.body_bytes == 1024u * 1024u);
    BOOST_TEST(c.server.limit.read_timeout.count() == 30);
    BOOST_TEST(c.ca.public_base_url == "http://127.0.0.1:8080");
    BOOST_TEST(c.ca.rsa.subject == "CN=LocalCA RSA Root CA,O=LocalCA");
    BOOST_TEST(c.ca.ecc.validity_days == 3650);
    BOOST_TEST(c.ca.crl_next_update.count() == 7 * 24 * 3600);
    BOOST_TEST(c.storage.group_commit);
    BOOST_TEST(c.storage.mmap_bytes == 0);
    BOOST_TEST(c.storage.writer_cache_bytes == 32 * 1024 * 1024);
    BOOST_TEST(c.pki.token.empty());
}

BOOST_AUTO_TEST_CASE(file_values_are_read) {
    temp_dir dir;
    auto c = config_from(dir, R"({"listen":"0.0.0.0:9000","workerThreads":3,
        "publicBaseUrl":"https://ca.lab.example/","limits":{"bodyBytes":2048,"maxConnections":7},
        "ca":{"rsa":{"subject":"CN=X","validityDays":10},"crlNextUpdateSeconds":3600},
        "storage":{"groupCommit":false,"mmapBytes":1048576,"writerCacheBytes":4194304},
        "pki":{"token":"t"}})");
    c.validate();
    BOOST_TEST(c.server.listen == "0.0.0.0:9000");
    BOOST_TEST(c.server.worker_threads == 3u);
    BOOST_TEST(c.ca.public_base_url == "https://ca.lab.example"); // trailing slash dropped
    BOOST_TEST(c.server.limit.body_bytes == 2048u);
    BOOST_TEST(c.server.limit.max_connections == 7u);
    BOOST_TEST(c.ca.rsa.subject == "CN=X");
    BOOST_TEST(c.ca.rsa.validity_days == 10);
    BOOST_TEST(c.ca.crl_next_update.count() == 3600);
    BOOST_TEST(!c.storage.group_commit);
    BOOST_TEST(c.storage.mmap_bytes == 1048576);
    BOOST_TEST(c.storage.writer_cache_bytes == 4194304);
    BOOST_TEST(c.pki.token == "t");
}

BOOST_AUTO_TEST_CASE(abuse_limits_are_read_and_default_as_documented) {
    tools::config d;
    BOOST_TEST(d.server.limit.header_timeout.count() == 10);
    BOOST_TEST(d.enos.rate_per_second == 0.0); // off
    BOOST_TEST(d.enos.rate_burst == 0.0);
    temp_dir dir;
    auto c = config_from(dir, R"({"limits":{"headerTimeoutSeconds":3},
        "enos":{"rateLimit":{"perSecond":50,"burst":100}}})");
    BOOST_TEST(c.server.limit.header_timeout.count() == 3);
    BOOST_TEST(c.enos.rate_per_second == 50.0);
    BOOST_TEST(c.enos.rate_burst == 100.0);
}

BOOST_AUTO_TEST_CASE(errors_name_the_key) {
    temp_dir dir;
    BOOST_TEST(error_of([&] { config_from(dir, R"({"limits":{"bodyByte":1}})"); }) ==
               "limits.bodyByte: unknown key");
    BOOST_TEST(error_of([&] { config_from(dir, R"({"ioThreads":0})"); }) ==
               "ioThreads: must be an integer from 1 to 64");
    BOOST_TEST(error_of([&] { config_from(dir, R"({"storage":{"durable":"yes"}})"); }) ==
               "storage.durable: must be true or false");
    BOOST_TEST(error_of([&] { config_from(dir, R"({"storage":{"mmapBytes":-1}})"); }).find(
                   "storage.mmapBytes: must be an integer") == 0u);
    BOOST_TEST(error_of([&] { config_from(dir, R"({"storage":{"writerCacheBytes":10}})"); }).find(
                   "storage.writerCacheBytes: must be an integer") == 0u);
    BOOST_TEST(error_of([&] { config_from(dir, "[]"); }) == "(top level): must be an object");
    tools::config c;
    c.server.listen = "localhost";
    BOOST_TEST(error_of([&] { c.validate(); }).find("listen:") == 0u);
    c.server.listen = "localhost:99999";
    BOOST_TEST(error_of([&] { c.validate(); }).find("listen: port") == 0u);
}

BOOST_AUTO_TEST_CASE(tls_section) {
    tools::config d;
    d.validate();
    BOOST_TEST(d.server.tls_listen.empty()); // off by default
    BOOST_TEST(d.tls.validity_days == 30);
    BOOST_TEST(d.tls.renew_before.count() == 0);
    temp_dir dir;
    auto c = config_from(dir, R"({"listen":"","tls":{"listen":"0.0.0.0:8443",
        "auto":["localhost","127.0.0.1"],"validityDays":7,"renewBeforeSeconds":3600}})");
    c.validate();
    BOOST_TEST(c.server.listen.empty());
    BOOST_TEST(c.server.tls_listen == "0.0.0.0:8443");
    BOOST_TEST((c.tls.auto_names == std::vector<std::string>{"localhost", "127.0.0.1"}));
    BOOST_TEST(c.tls.validity_days == 7);
    BOOST_TEST(c.tls.renew_before.count() == 3600);
    BOOST_TEST(c.ca.public_base_url == "https://0.0.0.0:8443"); // the only listener
    BOOST_TEST(error_of([&] { config_from(dir, R"({"tls":{"auto":["a b"]}})"); }) ==
               "tls.auto[0]: must be an IP address or a DNS name");
    auto files = config_from(dir, R"({"tls":{"listen":"127.0.0.1:0","certFile":"c.pem"}})");
    BOOST_TEST(error_of([&] { files.validate(); }) ==
               "tls.keyFile: must be set together with tls.certFile");
    auto no_listener = config_from(dir, R"({"listen":""})");
    BOOST_TEST(error_of([&] { no_listener.validate(); }).find("listen: must be HOST:PORT") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

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
    BOOST_CHECK_THROW(tools::apply_seed(store, clash, secrets, *localca::ca::real_time()), std::runtime_error);
    auto& db = store.reader();
    BOOST_TEST(localca::storage::sql::query_int64(db, "SELECT count(*) FROM products") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
