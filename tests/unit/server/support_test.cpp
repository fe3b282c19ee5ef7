// The small pieces around the transport: listen addresses, request ids, log lines, responses.
#include "server/core/listen_address.hpp"
#include "server/core/log.hpp"
#include "server/core/log_format.hpp"
#include "server/core/request_context.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>
#include <stdexcept>

using namespace localca::server;

BOOST_AUTO_TEST_SUITE(server_support)

BOOST_AUTO_TEST_CASE(listen_addresses) {
    auto a = parse_listen_address("127.0.0.1:8080");
    BOOST_TEST(a.host == "127.0.0.1");
    BOOST_TEST(a.port == 8080);
    a = parse_listen_address("[::1]:8443");
    BOOST_TEST(a.host == "::1");
    BOOST_TEST(a.port == 8443);
    a = parse_listen_address("localhost:0");
    BOOST_TEST(a.host == "localhost");
    BOOST_TEST(a.port == 0);
    a = parse_listen_address(":65535");
    BOOST_TEST(a.host == "");
    BOOST_TEST(a.port == 65535);

    for (const char* bad : {"", "8080", "host:", "host:65536", "host:80x", "::1:80", "[::1]80",
                            "[::1", "[]:80", "host:-1"}) {
        BOOST_CHECK_THROW(parse_listen_address(bad), std::invalid_argument);
    }
}

BOOST_AUTO_TEST_CASE(utc_timestamps_have_milliseconds) {
    using namespace std::chrono;
    const system_clock::time_point t{milliseconds(1795446000123)}; // 2026-11-23T15:00:00.123Z
    BOOST_TEST(log::format_utc_ms(t) == "2026-11-23T15:00:00.123Z");
    BOOST_TEST(log::format_utc_ms(system_clock::time_point{}) == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(access_lines_are_json_with_escaped_strings) {
    using namespace std::chrono;
    const system_clock::time_point t{milliseconds(1795446000123)};
    const auto line = log::access_line(t, "id-1", "GET", "/a\"b\\c\n", 404, 1.23456);
    BOOST_TEST(line == R"({"time":"2026-11-23T15:00:00.123Z","requestId":"id-1","method":"GET",)"
                       R"("path":"/a\"b\\c\n","status":404,"latencyMs":1.235})");
    const auto v = boost::json::parse(line);
    BOOST_TEST(v.at("path").as_string() == "/a\"b\\c\n");
    BOOST_TEST(v.at("status").to_number<int>() == 404);
}

BOOST_AUTO_TEST_CASE(log_levels) {
    log::level l = log::level::info;
    BOOST_TEST(log::parse_level("debug", &l));
    BOOST_TEST((l == log::level::debug));
    BOOST_TEST(log::parse_level("error", &l));
    BOOST_TEST((l == log::level::error));
    BOOST_TEST(!log::parse_level("verbose", &l));
    BOOST_TEST((l == log::level::error));
}

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
