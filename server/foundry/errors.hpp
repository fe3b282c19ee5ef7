#pragma once
// Foundry's failure answers: {"success": false, "message": "..."} with an HTTP status. The
// complete table from ca::errc, and the request-level errors found before a service is called.
#include "ca/errc.hpp"
#include "server/core/request_context.hpp"

#include <string>

namespace localca::server::foundry {

struct foundry_error {
    http::status status;
    std::string message;
};

foundry_error from_errc(const ca::error& e);

foundry_error bad_request(std::string message); // 400
foundry_error unauthorized();                   // 401 "Unauthorized"

// The JSON failure response.
response failure(const request& req, const foundry_error& e);

} // namespace localca::server::foundry
