// Route matching: literal and "{name}" segments, 404 vs 405, trailing slashes, specificity.
#include "server/core/router.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using namespace localca::server;

namespace {

// A handler that tags the route it belongs to, so tests can tell which one matched.
handler tagged(int tag, int* seen) {
    return [tag, seen](std::shared_ptr<request_context>, responder) { *seen = tag; };
}

struct match_result {
    int tag = 0;
    http::status status = http::status::ok;
    std::map<std::string, std::string> params;
};

match_result run_match(const router& r, http::verb method, const std::string& path, int* seen) {
    request_context ctx;
    ctx.req.method(method);
    ctx.path = path;
    match_result out;
    const handler* h = r.match(ctx, &out.status);
    if (h) {
        *seen = 0;
        (*h)(nullptr, nullptr);
        out.tag = *seen;
        out.params = ctx.path_params;
    }
    return out;
}

struct routes_fixture {
    routes_fixture() {
        r.add(http::verb::get, "/", tagged(1, &seen));
        r.add(http::verb::get, "/health", tagged(2, &seen));
        r.add(http::verb::get, "/authorities/{id}", tagged(3, &seen));
        r.add(http::verb::post, "/authorities/{id}/certificates", tagged(4, &seen));
        r.add(http::verb::get, "/authorities/{id}/certificates/{serial}", tagged(5, &seen));
        r.add(http::verb::get, "/authorities/{id}/certificates/expired", tagged(6, &seen));
        r.add(http::verb::delete_, "/authorities/{id}", tagged(7, &seen));
    }
    router r;
    int seen = 0;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(server_router, routes_fixture)

BOOST_AUTO_TEST_CASE(literal_routes) {
    BOOST_TEST(run_match(r, http::verb::get, "/", &seen).tag == 1);
    BOOST_TEST(run_match(r, http::verb::get, "/health", &seen).tag == 2);
}

BOOST_AUTO_TEST_CASE(parameters_are_captured) {
    auto m = run_match(r, http::verb::get, "/authorities/root-1", &seen);
    BOOST_TEST(m.tag == 3);
    BOOST_TEST(m.params.size() == 1u);
    BOOST_TEST(m.params["id"] == "root-1");

    m = run_match(r, http::verb::get, "/authorities/a/certificates/0A1B", &seen);
    BOOST_TEST(m.tag == 5);
    BOOST_TEST(m.params["id"] == "a");
    BOOST_TEST(m.params["serial"] == "0A1B");
}

BOOST_AUTO_TEST_CASE(segment_count_must_be_exact) {
    BOOST_TEST(run_match(r, http::verb::get, "/authorities", &seen).status ==
               http::status::not_found);
    BOOST_TEST(run_match(r, http::verb::get, "/authorities/a/b", &seen).status ==
               http::status::not_found);
    BOOST_TEST(run_match(r, http::verb::get, "/health/x", &seen).status == http::status::not_found);
}

BOOST_AUTO_TEST_CASE(parameters_need_a_non_empty_segment) {
    BOOST_TEST(run_match(r, http::verb::get, "/authorities//certificates/1", &seen).status ==
               http::status::not_found);
}

BOOST_AUTO_TEST_CASE(unknown_path_is_404_known_path_other_method_is_405) {
    BOOST_TEST(run_match(r, http::verb::get, "/nope", &seen).status == http::status::not_found);
    BOOST_TEST(run_match(r, http::verb::post, "/health", &seen).status ==
               http::status::method_not_allowed);
    BOOST_TEST(run_match(r, http::verb::put, "/authorities/x", &seen).status ==
               http::status::method_not_allowed);
    // Same path, each registered method reaches its own handler.
    BOOST_TEST(run_match(r, http::verb::delete_, "/authorities/x", &seen).tag == 7);
}

BOOST_AUTO_TEST_CASE(trailing_slash_is_ignored) {
    BOOST_TEST(run_match(r, http::verb::get, "/health/", &seen).tag == 2);
    auto m = run_match(r, http::verb::get, "/authorities/z/", &seen);
    BOOST_TEST(m.tag == 3);
    BOOST_TEST(m.params["id"] == "z");
}

BOOST_AUTO_TEST_CASE(literal_beats_parameter_whatever_the_order) {
    // "/expired" was registered after "/{serial}" and still wins.
    auto m = run_match(r, http::verb::get, "/authorities/a/certificates/expired", &seen);
    BOOST_TEST(m.tag == 6);
    BOOST_TEST(m.params.size() == 1u);
    BOOST_TEST(m.params["id"] == "a");
}

BOOST_AUTO_TEST_CASE(params_hold_exactly_the_matched_names) {
    request_context ctx;
    ctx.req.method(http::verb::get);
    ctx.path = "/authorities/a/certificates/1";
    http::status st{};
    BOOST_REQUIRE(r.match(ctx, &st));
    BOOST_TEST(ctx.path_params.size() == 2u);
}

BOOST_AUTO_TEST_CASE(invalid_patterns_are_rejected) {
    router bad;
    auto h = [](std::shared_ptr<request_context>, responder) {};
    BOOST_CHECK_THROW(bad.add(http::verb::get, "no-slash", h), std::invalid_argument);
    BOOST_CHECK_THROW(bad.add(http::verb::get, "/a/{}", h), std::invalid_argument);
    BOOST_CHECK_THROW(bad.add(http::verb::get, "/a/{x", h), std::invalid_argument);
    BOOST_CHECK_THROW(bad.add(http::verb::get, "/a//b", h), std::invalid_argument);
    BOOST_CHECK_THROW(bad.add(http::verb::get, "/a", handler{}), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
