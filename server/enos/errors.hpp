#pragma once
// EnOS codes and messages: the complete table from ca::errc, and the request-level errors of
// the connect-service API (texts from the EnOS API documents).
#include "ca/errc.hpp"

#include <string>

namespace localca::server::enos {

struct enos_error {
    int code;
    std::string msg;
};

enos_error from_errc(const ca::error& e);

// Request-level errors found before the engine is called.
enos_error invalid_argument(const std::string& name, const std::string& problem); // "Invalid Argument x:x is missing"
enos_error invalid_call_parameter(const std::string& message, const std::string& detail);
enos_error device_identifier_invalid();
enos_error org_denied(const std::string& org_id);
enos_error org_not_found();
enos_error certsn_negative();

} // namespace localca::server::enos
