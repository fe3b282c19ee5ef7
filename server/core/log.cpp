#include "server/core/log.hpp"
#include "server/core/json_string.hpp"
#include "server/core/log_format.hpp"

#include "ca/clock.hpp"

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

// The access lines queued by queue_access() and not yet written, behind their own mutex so that
// a network thread appending a line never waits for another one's write to stdout.
std::mutex g_access_mutex;
std::string g_access_pending;

// Owned by whoever holds g_mutex: the batch being written (swapped with g_access_pending, so both
// buffers keep their capacity and a steady load allocates nothing).
std::string g_access_writing;

} // namespace

void flush_access() {
    // g_mutex first, held over the swap and the write: two flushes write their batches in the
    // order their lines were queued.
    std::lock_guard lock(g_mutex);
    {
        std::lock_guard pending(g_access_mutex);
        g_access_pending.swap(g_access_writing);
    }
    if (g_access_writing.empty()) {
        return;
    }
    std::fwrite(g_access_writing.data(), 1, g_access_writing.size(), stdout);
    std::fflush(stdout);
    g_access_writing.clear();
}

namespace {

// Lines still queued when the process exits (exit() after main returns, a fatal path) are
// written by this object's destructor, which runs before stdio's own final flush.
struct access_exit_flush {
    ~access_exit_flush() { flush_access(); }
} g_access_exit_flush;

// format_utc_ms appended in place; the date and time up to the seconds are remembered per
// thread, since consecutive lines almost always fall in the same second.
void append_log_utc_ms(std::string& out, std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    long millis = static_cast<long>(ms % 1000);
    if (millis < 0) { // before 1970: floor, not truncate
        millis += 1000;
        --secs;
    }
    thread_local std::time_t cached_secs = -1;
    thread_local char cached[32] = {};
    thread_local int cached_len = 0;
    if (secs != cached_secs || cached_len <= 0) {
        std::tm tm{};
        ::gmtime_r(&secs, &tm);
        cached_len =
            std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        cached_secs = secs;
    }
    out.append(cached, static_cast<std::size_t>(cached_len));
    const char tail[] = {'.', static_cast<char>('0' + millis / 100),
                         static_cast<char>('0' + millis / 10 % 10),
                         static_cast<char>('0' + millis % 10), 'Z'};
    out.append(tail, sizeof tail);
}

} // namespace

std::string format_utc_ms(std::chrono::system_clock::time_point t) {
    std::string out;
    append_log_utc_ms(out, t);
    return out;
}

void append_access_line(std::string& out, std::chrono::system_clock::time_point t,
                        std::string_view request_id, std::string_view method, std::string_view path,
                        unsigned status, double latency_ms) {
    // The number is formatted by hand because Boost.JSON writes doubles as "1.234E0".
    char latency[32];
    const int latency_len =
        std::snprintf(latency, sizeof latency, "%.3f", latency_ms < 0 ? 0.0 : latency_ms);
    out += "{\"time\":\"";
    append_log_utc_ms(out, t);
    out += "\",\"requestId\":";
    append_json_string(out, request_id);
    out += ",\"method\":";
    append_json_string(out, method);
    out += ",\"path\":";
    append_json_string(out, path);
    out += ",\"status\":";
    char status_text[16];
    const int status_len = std::snprintf(status_text, sizeof status_text, "%u", status);
    out.append(status_text, static_cast<std::size_t>(status_len));
    out += ",\"latencyMs\":";
    out.append(latency, static_cast<std::size_t>(latency_len));
    out += '}';
}

std::string access_line(std::chrono::system_clock::time_point t, std::string_view request_id,
                        std::string_view method, std::string_view path, unsigned status,
                        double latency_ms) {
    std::string line;
    line.reserve(160 + path.size());
    append_access_line(line, t, request_id, method, path, status, latency_ms);
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

bool queue_access(std::string_view request_id, std::string_view method, std::string_view path,
                  unsigned status, double latency_ms) {
    const auto t = log_time();
    std::lock_guard lock(g_access_mutex);
    const bool was_empty = g_access_pending.empty();
    append_access_line(g_access_pending, t, request_id, method, path, status, latency_ms);
    g_access_pending += '\n';
    return was_empty;
}

void access(std::string_view request_id, std::string_view method, std::string_view path,
            unsigned status, double latency_ms) {
    queue_access(request_id, method, path, status, latency_ms);
    flush_access();
}

} // namespace localca::server::log
