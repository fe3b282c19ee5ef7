#pragma once
// Request and response codecs of the EnOS connect-service certificate API.
#include "ca/certificate_info.hpp"
#include "ca/certificate_record.hpp"
#include "server/enos/errors.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace localca::server::enos {

// A number field that EnOS clients send as a JSON number or a numeric string.
struct lenient_int {
    bool present = false;
    bool valid = false;
    std::int64_t value = 0;
};
lenient_int read_int(const boost::json::object& body, std::string_view key);
lenient_int read_int_text(const std::string& text); // from a query parameter

// RFC 5280 reason from a number, a numeric string or a name ("KEY_COMPROMISE",
// "key compromise", "keyCompromise"); nullopt when unrecognisable.
std::optional<int> parse_reason(const boost::json::value& v);
// "KEY COMPROMISE" style name of a reason code (as EnOS lists it).
std::string reason_name(int reason);

// Java X500Name.toString() style: RDNs in reverse DER order, ", " between them, keywords CN, OU,
// O, L, ST, C, EMAILADDRESS...; a value with special characters is quoted (RFC 1779).
std::string java_dn(const std::vector<ca::dn_attribute>& attributes);

// {"code":0,"msg":"OK","requestId":..,"data":data}
std::string envelope_ok(const std::string& request_id, boost::json::value data);
// {"code":..,"msg":..,"requestId":..,"data":null}
std::string envelope_error(const std::string& request_id, const enos_error& e);

// One entry of action=list.
boost::json::object list_entry(const ca::certificate_record& row, std::int64_t now_unix);

} // namespace localca::server::enos
