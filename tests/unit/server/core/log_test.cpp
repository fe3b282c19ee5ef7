// Log lines: UTC timestamps with milliseconds, JSON access lines, levels.
#include "server/core/log.hpp"
#include "server/core/log_format.hpp"
#include "server/core/request_context.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>
#include <stdexcept>

using namespace localca::server;

BOOST_AUTO_TEST_SUITE(server_log)

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

BOOST_AUTO_TEST_SUITE_END()
