#pragma once
// Private: the text of log lines, separated from the writing so tests can check it.
#include <chrono>
#include <string>
#include <string_view>

namespace localca::server::log {

// "2026-11-23T15:00:00.123Z"
std::string format_utc_ms(std::chrono::system_clock::time_point t);

// The access-log JSON object (no newline); see log::access.
std::string access_line(std::chrono::system_clock::time_point t, std::string_view request_id,
                        std::string_view method, std::string_view path, unsigned status,
                        double latency_ms);

// A string as a JSON string literal, quotes included, escaped as Boost.JSON's serializer does.
std::string json_string_for_log(std::string_view s);

} // namespace localca::server::log
