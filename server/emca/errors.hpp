#pragma once
// emCA's Failure texts: the complete table from ca::errc, and the request-level texts of the
// v4.0.17 Open API ("How to generate a request JSON Object" and the method pages).
#include "ca/errc.hpp"

#include <string>

namespace localca::server::emca {

inline constexpr const char* k_invalid_parameter = "Invalid parameter";
inline constexpr const char* k_invalid_input = "Invalid input data";
inline constexpr const char* k_invalid_request = "Invalid request details found";
inline constexpr const char* k_signature_failed = "Signature verification failed";
inline constexpr const char* k_invalid_validity = "Invalid validity";
inline constexpr const char* k_invalid_from_date = "Invalid From Date";
inline constexpr const char* k_invalid_data = "Please enter valid data";
inline constexpr const char* k_internal = "Internal server error";

// `profile_id` completes "<profileID> profile does not exist".
std::string failure_text(const ca::error& e, const std::string& profile_id = "");

} // namespace localca::server::emca
