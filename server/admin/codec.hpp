#pragma once
// Parsing and rendering shared by the /admin/v1 routes.
#include "server/core/request_context.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace localca::server::admin {

// A bad request naming the parameter (400 {"message", "parameter"}).
struct bad_parameter : std::runtime_error {
    bad_parameter(std::string name, const std::string& why)
        : std::runtime_error(why), parameter(std::move(name)) {}
    std::string parameter;
};

response error_json(const request& req, http::status status, const std::string& message,
                    const std::string& parameter = {});

// RFC 3339 ("2026-01-31T12:00:00Z", "…+02:00", fractions ignored) -> unix seconds.
std::optional<std::int64_t> parse_rfc3339(const std::string& s);
std::string rfc3339(std::int64_t unix_seconds);

// Throws bad_parameter for a query parameter not in `known`.
void check_known(const request_context& ctx, const std::set<std::string>& known);
std::optional<std::int64_t> time_param(const request_context& ctx, const std::string& name);
std::optional<std::int64_t> positive_param(const request_context& ctx, const std::string& name);
int limit_param(const request_context& ctx);

// Opaque cursors: hex of "<text>".
std::string encode_cursor(const std::string& text);
std::optional<std::string> decode_cursor(const std::string& cursor);

// RFC 5280 reason names and codes ("keyCompromise" or 1); nullopt when unknown.
std::optional<int> parse_reason(const boost::json::value& v);
const char* reason_name(int code);

} // namespace localca::server::admin
