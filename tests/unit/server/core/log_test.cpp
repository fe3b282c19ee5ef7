// Log lines: UTC timestamps with milliseconds, JSON access lines, levels.
#include "server/core/json_string.hpp"
#include "server/core/log.hpp"
#include "server/core/log_format.hpp"
#include "server/core/request_context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

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

namespace {

std::string json_string_of_log_test(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(json_escaping_matches_boost_json_for_every_byte) {
    // The access line escapes by hand (no temporary per field); it must write what Boost.JSON
    // would, byte for byte, for every single byte and for a mixed string.
    for (int b = 0; b < 256; ++b) {
        const std::string s(1, static_cast<char>(b));
        BOOST_TEST(json_string_of_log_test(s) ==
                       boost::json::serialize(boost::json::string_view(s)),
                   "byte " << b);
    }
    const std::string mixed = "/ocsp/MEkw\"\\\x01\x1f\x7f\t\u00e9";
    BOOST_TEST(json_string_of_log_test(mixed) ==
               boost::json::serialize(boost::json::string_view(mixed)));
}

namespace {

// Runs `body` with stdout going to a temporary file and returns what was written there.
template <class F> std::string capture_stdout_of_log_test(F body) {
    std::fflush(stdout);
    std::FILE* file = std::tmpfile();
    BOOST_REQUIRE(file);
    const int saved = ::dup(STDOUT_FILENO);
    ::dup2(::fileno(file), STDOUT_FILENO);
    body();
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    std::string text;
    std::rewind(file);
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, file)) > 0) {
        text.append(buf, n);
    }
    std::fclose(file);
    return text;
}

std::vector<std::string> lines_of_log_test(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto end = text.find('\n', start);
        BOOST_REQUIRE(end != std::string::npos); // every line ends with its newline
        out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(queued_access_lines_wait_for_the_flush) {
    off_t written_before_flush = -1;
    const auto text = capture_stdout_of_log_test([&] {
        BOOST_TEST(log::queue_access("id-1", "GET", "/a", 200, 1.0));   // queue was empty
        BOOST_TEST(!log::queue_access("id-2", "POST", "/b", 404, 2.0)); // a flush is due already
        std::fflush(stdout);
        struct stat st {};
        ::fstat(STDOUT_FILENO, &st);
        written_before_flush = st.st_size;
        log::flush_access();
        BOOST_TEST(log::queue_access("id-3", "GET", "/c", 500, 3.0)); // empty again
        log::flush_access();
    });
    BOOST_TEST(written_before_flush == 0);
    const auto lines = lines_of_log_test(text);
    BOOST_REQUIRE(lines.size() == 3u);
    const char* ids[] = {"id-1", "id-2", "id-3"};
    for (std::size_t i = 0; i < 3; ++i) {
        const auto v = boost::json::parse(lines[i]);
        BOOST_TEST(v.at("requestId").as_string() == ids[i]);
    }
    BOOST_TEST(boost::json::parse(lines[1]).at("status").to_number<int>() == 404);
}

BOOST_AUTO_TEST_CASE(access_lines_from_many_threads_stay_whole) {
    constexpr int k_threads = 4;
    constexpr int k_lines = 500;
    const auto text = capture_stdout_of_log_test([&] {
        std::vector<std::thread> threads;
        for (int t = 0; t < k_threads; ++t) {
            threads.emplace_back([t] {
                const std::string id = "thread-" + std::to_string(t);
                for (int i = 0; i < k_lines; ++i) {
                    if (i % 3 == 0) {
                        log::access(id, "GET", "/whole", 200, i); // written at once
                    } else if (log::queue_access(id, "GET", "/whole", 200, i)) {
                        log::flush_access();
                    }
                }
            });
        }
        for (auto& th : threads) {
            th.join();
        }
        log::flush_access();
    });
    const auto lines = lines_of_log_test(text);
    BOOST_REQUIRE(lines.size() == static_cast<std::size_t>(k_threads * k_lines));
    std::vector<int> next(k_threads, 0);
    for (const auto& line : lines) {
        const auto v = boost::json::parse(line); // throws on a torn line
        const std::string id(v.at("requestId").as_string());
        const int t = std::stoi(id.substr(id.find('-') + 1));
        // Each thread's lines come out in the order it logged them.
        BOOST_TEST(v.at("latencyMs").to_number<double>() == static_cast<double>(next[t]));
        ++next[t];
    }
}

BOOST_AUTO_TEST_SUITE_END()
