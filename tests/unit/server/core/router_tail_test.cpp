// "{name...}" tail segments: the rest of the path, '/' and empty segments included, and less
// specific than a literal or a "{name}" at the same position.
#include "server/core/router.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::server;

namespace {

struct tail_fixture {
    tail_fixture() {
        r.add(http::verb::get, "/ocsp/{request...}", tag(1));
        r.add(http::verb::get, "/ocsp/issuer/{authority}", tag(2));
        r.add(http::verb::post, "/ocsp", tag(3));
    }
    handler tag(int t) {
        return [this, t](std::shared_ptr<request_context>, responder) { seen = t; };
    }
    // The tag of the matched route (0: none) and the params.
    int match(const std::string& path, std::map<std::string, std::string>* params = nullptr) {
        request_context ctx;
        ctx.req.method(http::verb::get);
        ctx.path = path;
        http::status st{};
        const handler* h = r.match(ctx, &st);
        seen = 0;
        if (h) {
            (*h)(nullptr, nullptr);
            if (params) {
                *params = ctx.path_params;
            }
        }
        return seen;
    }
    router r;
    int seen = 0;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(router_tail, tail_fixture)

BOOST_AUTO_TEST_CASE(tail_takes_the_rest_of_the_path) {
    std::map<std::string, std::string> p;
    BOOST_TEST(match("/ocsp/MEIw", &p) == 1);
    BOOST_TEST(p.at("request") == "MEIw");
    BOOST_TEST(match("/ocsp/ME/Iw//QA=", &p) == 1);
    BOOST_TEST(p.at("request") == "ME/Iw//QA=");
    BOOST_TEST(match("/ocsp") == 0); // GET /ocsp: the POST route only (405)
}

BOOST_AUTO_TEST_CASE(a_literal_or_param_route_wins_over_the_tail) {
    BOOST_TEST(match("/ocsp/issuer/RSA") == 2);
    BOOST_TEST(match("/ocsp/issuer/RSA/x") == 1);
}

BOOST_AUTO_TEST_CASE(tail_only_as_the_pattern_end_syntax) {
    router other;
    BOOST_CHECK_THROW(other.add(http::verb::get, "/x/{...}", tag(1)), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
