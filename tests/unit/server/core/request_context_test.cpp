// Responses follow their request: HTTP version, keep-alive, content type and length.
#include "server/core/request_context.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::server;

BOOST_AUTO_TEST_SUITE(server_request_context)

BOOST_AUTO_TEST_CASE(responses_follow_the_request) {
    request req{http::verb::get, "/", 10};
    auto res = json_response(req, http::status::created, R"({"a":1})");
    BOOST_TEST(res.version() == 10);
    BOOST_TEST(!res.keep_alive());
    BOOST_TEST(res[http::field::content_type] == "application/json");
    BOOST_TEST(res[http::field::content_length] == "7");

    request req11{http::verb::get, "/", 11};
    res = make_response(req11, http::status::ok, "hi", "text/plain");
    BOOST_TEST(res.version() == 11);
    BOOST_TEST(res.keep_alive());
    BOOST_TEST(res[http::field::content_type] == "text/plain");
    BOOST_TEST(res.body() == "hi");

    req11.keep_alive(false);
    BOOST_TEST(!json_response(req11, http::status::ok, "{}").keep_alive());
}

BOOST_AUTO_TEST_SUITE_END()
