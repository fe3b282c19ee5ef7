#pragma once
// The complete table from ca::errc to the pki API's HTTP status.
#include "ca/errc.hpp"
#include "server/core/request_context.hpp"

namespace localca::server::pki {

http::status status_of(ca::errc code);

// {"code": "<errc name>", "message": ..., "detail": ...} with status_of(code).
response error_response(const request& req, const ca::error& e);

} // namespace localca::server::pki
