#pragma once
// Key material shared by every node of one database (schemas/013_shared_keys.sql): the CA key
// files and root certificates of the data dir and the token keys of the APIs, by name.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace localca::storage {

std::optional<std::vector<std::uint8_t>> find_shared_key(connection& db, std::string_view name);

// Inserts unless the name exists (the first node to publish wins). Returns whether it inserted.
bool insert_shared_key(connection& db, std::string_view name,
                       const std::vector<std::uint8_t>& content);

} // namespace localca::storage
