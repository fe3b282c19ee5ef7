#pragma once
// Admin tokens of the operator API: random bearer tokens with a role, stored as SHA-256 only
// (storage/admin/token_repository.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::ca::admin {

// viewer reads; operator also revokes and decides emCA requests. Ordered: a higher role may do
// what a lower one may.
enum class role : int { viewer = 0, operator_role = 1 };

const char* to_string(role r);
std::optional<role> parse_role(std::string_view s);

// A fresh token: "lcadm_" + 64 hex digits (256 random bits).
std::string new_token();

// What the database keeps of a token.
std::vector<std::uint8_t> token_digest(std::string_view token);

} // namespace localca::ca::admin
