#pragma once
// Private: request-target parsing and percent-decoding (RFC 3986 / WHATWG form encoding).
//
// Malformed escapes ("%", "%4", "%zz") and escapes that decode to NUL are REJECTED (the request
// gets 400) rather than kept literally: an identifier must have exactly one spelling on the wire,
// and a literal "%zz" that a lenient decoder let through would be a second spelling of nothing.
// So is a result that is not well-formed UTF-8 ("%FF", "%C3" alone, overlong forms): handlers
// echo identifiers in JSON answers, which must be UTF-8 (found by a tests/fuzz target).
// The path is decoded as a whole before routing, so "%2F" becomes a segment separator.
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace localca::server {

// Percent-decodes `in`; with `plus_is_space` (query components) '+' means ' '. nullopt when
// an escape is malformed or decodes to NUL, or the result is not well-formed UTF-8.
std::optional<std::string> url_decode(std::string_view in, bool plus_is_space);

// Splits an origin-form target ("/path?query") into the decoded path and decoded query
// parameters ("a=1&b&c=" -> {a:1, b:"", c:""}; empty pairs skipped). False when the target is
// not origin-form or any part fails to decode; then the outputs are unspecified.
bool parse_target(std::string_view target, std::string& path,
                  std::multimap<std::string, std::string>& query);

// The path part of `target` as it may appear in a log: no query, and every byte outside
// printable ASCII percent-encoded, so a log line cannot carry control characters or invalid UTF-8.
std::string log_safe_path(std::string_view target);

} // namespace localca::server
