#pragma once
// Wire formats of the emCA v4.0.17 Open API (docs/emca.md): the response envelope, the
// D:H:M:S validity, the dd:MM:yyyy HH:mm:ss validFrom, the multi-CSR payload
// "ID1|<CSR>~ID2|<CSR>" and the "ID1|x~ID2|y" lists of results. Pure functions, no I/O.
#include "ca/emca/issuance_service.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::server::emca {

// {"status":"Success","result":..,"subscriberId":..,"requestId":..}; null for absent values.
std::string envelope_success(const std::string& result, const std::optional<std::string>& subscriber_id,
                             const std::optional<std::string>& request_id);
// {"status":"Failure","result":<text>,"subscriberId":null,"requestId":null}
std::string envelope_failure(const std::string& text);

// "D:H:M:S", days <= 36135, hours <= 23, minutes and seconds <= 59; nullopt otherwise.
std::optional<std::chrono::seconds> parse_validity(std::string_view text);
// "dd:MM:yyyy HH:mm:ss" in UTC, a real calendar date, years 1950 to 2200; nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_valid_from(std::string_view text);

// Most CSRs in one payload.
inline constexpr std::size_t k_max_csrs = 100;

// "ID1|<CSR>~ID2|<CSR>...": IDs non-empty, unique, without '|' or '~'; each CSR PEM, or Base64
// DER (whitespace ignored; returned decoded). nullopt when the payload does not follow that.
std::optional<std::vector<ca::emca::batch_item>> parse_csr_payload(std::string_view payload);

// The result of a create call: Base64("ID1|<Base64 DER>~ID2|...") when issued, the fixed
// acceptance text when pending. request_ids: "ID1|<requestId>~..." when pending.
std::string outcome_result(const ca::emca::batch_outcome& outcome);
std::optional<std::string> outcome_request_ids(const ca::emca::batch_outcome& outcome);

// The text of a manual-authorization acceptance and of a pending request.
inline constexpr const char* k_accepted = "Request accepted for manual authorization";
inline constexpr const char* k_pending = "Pending";

// A positive decimal integer (serial, requestId) as signed content, surrounding whitespace
// allowed; nullopt otherwise.
std::optional<std::int64_t> parse_decimal(std::string_view text);

// The encrypted payload of the outer body: "requestData", or "encodedString" (the name one of
// emCA's own pages uses). Exactly one of them must be a non-empty string; nullopt when neither
// or both are (the caller answers "Invalid parameter").
std::optional<std::string> request_data(const boost::json::object& body);

// Base64 (standard alphabet, whitespace ignored); nullopt when invalid or empty.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);
std::string base64_encode(const std::vector<std::uint8_t>& bytes);

} // namespace localca::server::emca
