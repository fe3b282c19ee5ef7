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
inline void debug(std::string_view m) { write(level::debug, m); }
inline void info(std::string_view m) { write(level::info, m); }
inline void warn(std::string_view m) { write(level::warn, m); }
inline void error(std::string_view m) { write(level::error, m); }

// One access-log line: {"time":"...","requestId":"...","method":"...","path":"...",
// "status":200,"latencyMs":1.234}. Path without query string (queries may carry identifiers but
// never secrets; we still leave them out).
void access(std::string_view request_id, std::string_view method, std::string_view path,
            unsigned status, double latency_ms);

} // namespace localca::server::log
