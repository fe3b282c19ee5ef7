#pragma once
// Table admin_tokens (schemas/010_admin.sql): the operator API's bearer tokens, by SHA-256 only.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::admin {

struct token_row {
    std::string name;
    std::string role; // "viewer" | "operator"
    std::vector<std::uint8_t> token_sha256;
    std::int64_t created_at = 0; // unix seconds
};

// False (nothing written) when a token of that name exists.
bool insert_token(connection& db, const token_row& row);

// Every token, by name (the digests are not returned: nothing needs them).
std::vector<token_row> list_tokens(connection& db);

// False when no token has that name.
bool delete_token(connection& db, const std::string& name);

// The token whose digest this is, or nullopt.
std::optional<token_row> find_token_by_digest(connection& db,
                                              const std::vector<std::uint8_t>& sha256);

} // namespace localca::storage::admin
