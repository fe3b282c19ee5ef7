#include "server/core/log.hpp"
#include "server/core/log_format.hpp"

#include "ca/clock.hpp"

#include <boost/json/serialize.hpp>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace localca::server::log {

namespace {

std::atomic<int> g_level{static_cast<int>(level::info)};
// One mutex for both streams: lines from different threads must never interleave mid-line.
std::mutex g_mutex;

const char* level_name(level l) {
    switch (l) {
    case level::debug:
        return "debug";
    case level::info:
        return "info";
    case level::warn:
        return "warn";
    case level::error:
        return "error";
    }
    return "info";
}

void emit(std::FILE* stream, const std::string& line) {
    std::lock_guard lock(g_mutex);
    std::fwrite(line.data(), 1, line.size(), stream);
    // Flushed per line: the logs are read live (journald, integration tests), and stdout is
    // block-buffered when it is not a terminal.
    std::fflush(stream);
}

} // namespace

std::string format_utc_ms(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    long millis = static_cast<long>(ms % 1000);
    if (millis < 0) { // before 1970: floor, not truncate
        millis += 1000;
        --secs;
    }
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buf;
}

std::string access_line(std::chrono::system_clock::time_point t, std::string_view request_id,
                        std::string_view method, std::string_view path, unsigned status,
                        double latency_ms) {
    // Strings go through Boost.JSON so quotes and control characters are escaped; the number is
    // formatted by hand because Boost.JSON writes doubles as "1.234E0".
    char latency[32];
    std::snprintf(latency, sizeof latency, "%.3f", latency_ms < 0 ? 0.0 : latency_ms);
    std::string line;
    line.reserve(160 + path.size());
    line += "{\"time\":";
    line += boost::json::serialize(boost::json::string_view(format_utc_ms(t)));
    line += ",\"requestId\":";
    line += boost::json::serialize(boost::json::string_view(request_id.data(), request_id.size()));
    line += ",\"method\":";
    line += boost::json::serialize(boost::json::string_view(method.data(), method.size()));
    line += ",\"path\":";
    line += boost::json::serialize(boost::json::string_view(path.data(), path.size()));
    line += ",\"status\":";
    line += std::to_string(status);
    line += ",\"latencyMs\":";
    line += latency;
    line += '}';
    return line;
}

void set_level(level l) {
    g_level.store(static_cast<int>(l));
}

bool parse_level(std::string_view name, level* out) {
    static constexpr level all[] = {level::debug, level::info, level::warn, level::error};
    for (const level l : all) {
        if (name == level_name(l)) {
            if (out) {
                *out = l;
            }
            return true;
        }
    }
    return false;
}

namespace {

// Log lines carry the real time, whatever the clock the CA decides by: they are read next to
// other processes' logs.
std::chrono::system_clock::time_point log_time() {
    return ca::real_time()->now();
}

} // namespace

void write(level l, std::string_view message) {
    if (static_cast<int>(l) < g_level.load()) {
        return;
    }
    std::string line = format_utc_ms(log_time());
    line += ' ';
    line += level_name(l);
    line += ' ';
    // One event, one line: a newline inside a message (e.g. from an exception text) would let
    // it forge a second log line.
    for (const char c : message) {
        if (c == '\n') {
            line += "\\n";
        } else if (c == '\r') {
            line += "\\r";
        } else {
            line += c;
        }
    }
    line += '\n';
    emit(stderr, line);
}

void access(std::string_view request_id, std::string_view method, std::string_view path,
            unsigned status, double latency_ms) {
    std::string line =
        access_line(log_time(), request_id, method, path, status, latency_ms);
    line += '\n';
    emit(stdout, line);
}

} // namespace localca::server::log
