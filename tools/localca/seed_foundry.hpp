#pragma once
// The "foundry" section of a seed file: accounts of the Foundry API (docs/foundry.md).
//
//   "foundry": {"region": "us-west-2",
//               "accounts": [{"accountId": "123456789012", "tokens": ["<bearer token>"],
//                             "devices": ["<deviceId>", {"deviceId": "<deviceId>",
//                                                        "fixtures": [...]}, ...]}]}
//
// accountId is 12 digits and unique in the file. A token (visible ASCII, no spaces) belongs to
// one account; it is stored as SHA-256 only and never printed in an error. deviceId is unique
// per account (the same deviceId in two accounts is two devices). region (optional, an AWS
// region name) applies to every account of the file; without it the server's foundry.region
// is used. Seeding adds and updates; it never removes tokens or devices. A device given as an
// object may list certificate fixtures (tools/localca/seed_fixtures.hpp): RSA only, as Foundry
// issues RSA alone; each becomes a managed certificate of the account associated with the
// device (INACTIVE: no policy), as generate + provision would leave it without topics.
#include "tools/localca/json_reader.hpp"
#include "tools/localca/seed_fixtures.hpp"

#include "storage/connection.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace localca::tools {

struct seed_foundry_account {
    std::string account_id;
    std::vector<std::string> tokens;
    std::vector<std::string> devices;
    std::map<std::string, std::vector<seed_fixture>> fixtures; // by deviceId
};

struct seed_foundry {
    std::optional<std::string> region;
    std::vector<seed_foundry_account> accounts;
};

// Validates the section (json_error naming the path of the first problem).
seed_foundry parse_seed_foundry(const json_node& n);

// Upserts inside the seed's transaction; count(changed) per row. A token already held by
// another account in the database throws std::runtime_error.
void apply_seed_foundry(storage::connection& db, const seed_foundry& data,
                        const std::function<void(bool)>& count);

// Issues the devices' fixtures (after apply_seed_foundry committed). A device that already has
// a managed certificate gets none, so seeding twice issues nothing new.
void issue_foundry_fixtures(ca::engine& engine, const seed_foundry& data, fixture_report& report);

} // namespace localca::tools
