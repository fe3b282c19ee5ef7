// The console's routes through the real router: security headers on every answer, the redirect,
// client-side routes answering index.html, unknown assets 404 and ETag revalidation.
#include "server/console/personality.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::server;
using namespace localca::server::console;

namespace {

struct routed {
    router r;
    console::personality p;
    routed() { r.add_personality(p); }

    response get(const std::string& path, const std::string& if_none_match = "") {
        auto ctx = std::make_shared<request_context>();
        ctx->req = request{http::verb::get, path, 11};
        if (!if_none_match.empty()) {
            ctx->req.set(http::field::if_none_match, if_none_match);
        }
        ctx->path = path;
        http::status st{};
        const handler* h = r.match(*ctx, &st);
        BOOST_REQUIRE_MESSAGE(h, path << " matched no route");
        response out;
        (*h)(ctx, [&out](response res) { out = std::move(res); });
        return out;
    }
};

void check_security_headers(const response& res) {
    BOOST_TEST(res["Content-Security-Policy"] == k_content_security_policy);
    BOOST_TEST(res["X-Content-Type-Options"] == "nosniff");
    BOOST_TEST(res["Referrer-Policy"] == "no-referrer");
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_console_personality)

BOOST_AUTO_TEST_CASE(policy_allows_no_inline_code_nor_framing) {
    const std::string csp = k_content_security_policy;
    BOOST_TEST(csp.find("unsafe") == std::string::npos);
    BOOST_TEST(csp.find("frame-ancestors 'none'") != std::string::npos);
    BOOST_TEST(csp.find("default-src 'none'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(index_and_client_routes_answer_the_page) {
    routed t;
    const auto index = find_asset("index.html");
    for (const auto* path : {"/console/", "/console/certificates", "/console/certificates/12"}) {
        const auto res = t.get(path);
        BOOST_TEST(res.result() == http::status::ok);
        BOOST_TEST(res.body() == index->bytes);
        BOOST_TEST(res[http::field::content_type] == "text/html; charset=utf-8");
        check_security_headers(res);
    }
}

BOOST_AUTO_TEST_CASE(bare_console_redirects_to_the_slash) {
    routed t;
    const auto res = t.get("/console");
    BOOST_TEST(res.result() == http::status::moved_permanently);
    BOOST_TEST(res[http::field::location] == "/console/");
    check_security_headers(res);
}

BOOST_AUTO_TEST_CASE(assets_are_served_typed_and_revalidated) {
    routed t;
    const auto js = t.get("/console/assets/app.js");
    BOOST_TEST(js.result() == http::status::ok);
    BOOST_TEST(js.body() == find_asset("app.js")->bytes);
    BOOST_TEST(js[http::field::content_type] == "text/javascript; charset=utf-8");
    BOOST_TEST(js[http::field::cache_control] == "no-cache");
    check_security_headers(js);
    const auto again = t.get("/console/assets/app.js", std::string(js[http::field::etag]));
    BOOST_TEST(again.result() == http::status::not_modified);
    BOOST_TEST(again.body().empty());
    BOOST_TEST(t.get("/console/assets/app.js", "\"stale\"").result() == http::status::ok);
}

BOOST_AUTO_TEST_CASE(unknown_assets_are_404) {
    routed t;
    for (const auto* path :
         {"/console/assets/nope.js", "/console/assets/index.html", "/console/assets/a/b.js"}) {
        const auto res = t.get(path);
        BOOST_TEST(res.result() == http::status::not_found, path);
        check_security_headers(res);
    }
}

BOOST_AUTO_TEST_SUITE_END()
