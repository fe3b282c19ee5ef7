#pragma once
// Minimal leveled logger writing one line per event to stderr (access log: one JSON object per
// line to stdout). Thread-safe. Never pass secrets, keys or CSR bodies.
#include <string_view>

namespace localca::server::log {

enum class level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(level l);
// "debug" | "info" | "warn" | "error"; false if unknown.
bool parse_level(std::string_view name, level* out);

void write(level l, std::string_view message);
inline void debug(std::string_view m) {
    write(level::debug, m);
}
inline void info(std::string_view m) {
    write(level::info, m);
}
inline void warn(std::string_view m) {
    write(level::warn, m);
}
inline void error(std::string_view m) {
    write(level::error, m);
}

// One access-log line: {"time":"...","requestId":"...","method":"...","path":"...",
// "status":200,"latencyMs":1.234}. Path without query string (queries may carry identifiers but
// never secrets; we still leave them out).
// Written and flushed before it returns.
void access(std::string_view request_id, std::string_view method, std::string_view path,
            unsigned status, double latency_ms);

// The same line, queued instead of written: for the network threads, which answer many requests
// per pass of their io_context and would otherwise make one write(2) each. Returns true when the
// queue was empty, i.e. the caller must see to it that flush_access() runs soon (the session
// posts it to its io_context, so it runs once the handlers already ready have run and every line
// they queued goes out in one write). Lines stay whole and in order, whatever the threads.
bool queue_access(std::string_view request_id, std::string_view method, std::string_view path,
                  unsigned status, double latency_ms);
// Writes and flushes the queued lines (any thread). Also done at exit.
void flush_access();

} // namespace localca::server::log
