#pragma once
// Table unsealed_secrets: the clear EnOS app secrets and emCA AES keys of a database older than
// schema 5, moved there by migration 005 until a start with the passphrase seals them
// (ca/sealing_key.cpp). Empty on every database created by schema 5 or later.
#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

namespace localca::storage {

inline constexpr const char* k_unsealed_enos_app = "enos-app"; // row_id = apps.id
inline constexpr const char* k_unsealed_emca_aes = "emca-aes"; // row_id = api_users.id

struct unsealed_secret {
    std::string kind;
    std::int64_t row_id = 0;
    std::vector<std::uint8_t> value;
};

std::vector<unsealed_secret> list_unsealed_secrets(SQLite::Database& db);

// Deletes every row. Run with secure_delete on, so the clear bytes are overwritten.
void clear_unsealed_secrets(SQLite::Database& db);

} // namespace localca::storage
