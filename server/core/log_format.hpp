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

} // namespace localca::server::log
