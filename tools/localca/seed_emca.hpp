#pragma once
// The "emca" section of a seed file: registered API users and certificate profiles.
//
//   "emca": {
//     "users": [{"userName": "app1", "password": "secret", "emKey": "47b5...",
//                "aesKey": "<Base64 of 32 bytes>", "aesMode": "ECB",   // ECB | CBC | GCM
//                "allowedIps": ["127.0.0.1"], "signerCert": "-----BEGIN CERTIFICATE-----...",
//                "fixtures": [{"authority": "RSA", "validDays": 365, "issuedDaysAgo": 400}]}],
//     "profiles": [{"profileId": "3", "authority": "RSA", "keyTypes": ["RSA-2048"],
//                   "defaultValidity": "365:0:0:0", "maxValidity": "730:0:0:0",
//                   "requiredSubject": ["CN", "O"],
//                   "keyUsage": ["digitalSignature", "keyEncipherment"],
//                   "extendedKeyUsage": ["clientAuth"], "manualAuthorization": false}]}
//
// userName, emKey and profileId are unique. The password is stored as an Argon2id hash; seeding
// the same password again keeps the stored hash, so a second run changes nothing.
//
// A user's certificate fixtures (tools/localca/seed_fixtures.hpp) are issued as one accepted
// create call of that user with the reserved applicationId k_fixture_application_id: each is an
// issued item (ID "fixture-<n>", profile "lab-fixture"), so getCertificate returns it, revoke
// revokes it, and a create call with that applicationId answers them all (the stored answer).
#include "ca/secret_box.hpp"
#include "storage/emca/api_user_repository.hpp"
#include "tools/localca/json_reader.hpp"
#include "tools/localca/seed_fixtures.hpp"

#include "storage/connection.hpp"

#include <functional>
#include <string>
#include <vector>

namespace localca::tools {

struct seed_emca_user {
    storage::emca::api_user_row
        row; // password_hash and aes_key_sealed empty: computed when applied
    std::string password;
    std::vector<std::uint8_t> aes_key; // 32 bytes, sealed when applied
    std::vector<seed_fixture> fixtures;
};

inline constexpr const char* k_fixture_application_id = "localca-lab-fixtures";

struct seed_emca {
    std::vector<seed_emca_user> users;
    std::vector<storage::emca::issuance_profile_row> profiles;
};

// Validates the section (json_error naming the path of the first problem).
seed_emca parse_seed_emca(const json_node& n);

// Upserts inside the seed's transaction, AES keys sealed by `secrets`; count(changed) per row.
// A conflict with rows already in the database (an emKey of another user) throws
// std::runtime_error.
void apply_seed_emca(storage::connection& db, const seed_emca& data, const ca::secret_box& secrets,
                     const std::function<void(bool)>& count);

// Issues the users' fixtures (after apply_seed_emca committed). A user whose fixture call is
// stored gets none, so seeding twice issues nothing new.
void issue_emca_fixtures(ca::engine& engine, const seed_emca& data, fixture_report& report);

} // namespace localca::tools
