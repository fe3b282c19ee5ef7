#pragma once
// Foundry's wire format: ARNs, certificate ids, the topics parameter, Base64-of-PEM fields,
// timestamps and the success envelope {"success": true, ...}. Pure functions.
#include "ca/foundry/managed_certificate_service.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::server::foundry {

// "arn:aws:iot:<region>:<account>:cert/<certificate id>".
std::string certificate_arn(const std::string& region, const std::string& account_id,
                            const std::string& certificate_id);

// 64 lowercase hex digits, the form certificate_id() produces.
bool is_certificate_id(std::string_view text);

// A JSON array of strings; nullopt for anything else (not JSON, another type, a non-string).
std::optional<std::vector<std::string>> topics_from_json(const boost::json::value& v);
std::optional<std::vector<std::string>> topics_from_text(std::string_view json_text);

// Base64 (RFC 4648, with padding, one line) of the PEM text: what Foundry's cert/private hold.
std::string base64_of(std::string_view text);

// "2049-12-31T23:59:59Z".
std::string iso8601(std::chrono::system_clock::time_point t);

// {"success": true, <fields...>}.
std::string success_body(const boost::json::object& fields = {});

// id, arn, status, deviceId (null if none), topics, notBefore, notAfter, cert.
boost::json::object certificate_fields(const ca::foundry::managed_certificate& c,
                                       const std::string& arn);

} // namespace localca::server::foundry
