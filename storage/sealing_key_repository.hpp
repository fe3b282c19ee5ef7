#pragma once
// The one row of table sealing_key: the data key of the secret box, sealed under a key derived
// from the CA passphrase (ca/sealing_key.hpp), with the derivation's parameters and salt.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace localca::storage {

struct sealing_key_row {
    std::int64_t kdf_memory_kib = 0;
    std::int64_t kdf_passes = 0;
    std::int64_t kdf_lanes = 0;
    std::vector<std::uint8_t> salt;
    std::vector<std::uint8_t> wrapped;
};

std::optional<sealing_key_row> find_sealing_key(connection& db);

// Inserts the row, or replaces it (passphrase rotation).
void store_sealing_key(connection& db, const sealing_key_row& row);

} // namespace localca::storage
