#pragma once
// The AES keys of emCA API users, sealed at rest in api_users.aes_key_sealed (ca/secret_box.hpp).
#include <string>
#include <string_view>

namespace localca::ca::emca {

// The secret box context of a user's AES key: "emca-aes-key:<userName>", so that a sealed key
// copied into another user's row does not open.
std::string aes_key_context(std::string_view user_name);

// Registers with the core (ca::register_resealer) how a clear AES key that a database older than
// schema 5 left in unsealed_secrets is sealed back into its user row.
void register_aes_key_resealer();

} // namespace localca::ca::emca
