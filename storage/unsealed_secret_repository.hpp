#pragma once
// Table unsealed_secrets: the clear secrets of a database older than schema 5, moved there by
// migration 005 until a start with the passphrase seals them (ca/sealing_key.cpp). Each row's
// kind names the table it came from; the storage module owning that table defines the kind.
// Empty on every database created by schema 5 or later.
#include "storage/connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace localca::storage {

struct unsealed_secret {
    std::string kind;
    std::int64_t row_id = 0;
    std::vector<std::uint8_t> value;
};

std::vector<unsealed_secret> list_unsealed_secrets(connection& db);

// Deletes every row. Run with secure_delete on, so the clear bytes are overwritten.
void clear_unsealed_secrets(connection& db);

} // namespace localca::storage
