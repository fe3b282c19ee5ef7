#pragma once
// The token a Foundry call presents: "Authorization: Bearer <token>", else "x-api-key: <token>".
#include "server/core/request_context.hpp"

#include <optional>
#include <string>

namespace localca::server::foundry {

// nullopt when neither header carries a non-empty token. The scheme name "Bearer" is
// case-insensitive (RFC 7235); an Authorization header with another scheme is ignored.
std::optional<std::string> presented_token(const request& req);

} // namespace localca::server::foundry
