#pragma once
// Registered API users and the certificate profiles they issue under (tables api_users and
// issuance_profiles). Written by `localca seed`, read by the issuance service.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::emca {

// Kind of an AES key in table unsealed_secrets (schemas/005_sealed_secrets.sql); row_id =
// api_users.id.
inline constexpr const char* k_unsealed_aes_key = "emca-aes";

struct api_user_row {
    std::int64_t id = 0;
    std::string user_name;
    std::string password_hash; // Argon2id PHC string
    std::string api_key;
    std::vector<std::uint8_t> aes_key_sealed; // ca::secret_box, context ca::emca::aes_key_context
    std::string aes_mode;                     // "ECB" | "CBC" | "GCM"
    std::string allowed_ips;                  // space-separated
    std::vector<std::uint8_t> signer_cert;    // DER
};

struct issuance_profile_row {
    std::string profile_id;
    std::string authority;             // "RSA" | "ECC"
    std::string key_types;             // space-separated
    std::int64_t default_validity = 0; // seconds
    std::int64_t max_validity = 0;     // seconds
    std::string required_subject;      // space-separated attribute names
    std::string key_usage;             // space-separated names
    std::string extended_key_usage;    // space-separated names or OIDs
    bool manual_authorization = false;
};

std::optional<api_user_row> find_api_user(connection& db, const std::string& user_name);
std::optional<api_user_row> find_api_user_by_key(connection& db, const std::string& api_key);
std::optional<api_user_row> find_api_user_by_id(connection& db, std::int64_t id);

// Insert, or update the row of that user_name when a column differs (row.id is ignored).
// Returns the id; *changed says whether anything was written.
std::int64_t upsert_api_user(connection& db, const api_user_row& row, bool* changed);

std::optional<issuance_profile_row> find_issuance_profile(connection& db,
                                                          const std::string& profile_id);
// Insert, or update when a column differs. *changed as above.
void upsert_issuance_profile(connection& db, const issuance_profile_row& row, bool* changed);

} // namespace localca::storage::emca
