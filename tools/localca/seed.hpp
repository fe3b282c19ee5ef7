#pragma once
// `localca seed FILE`: fixtures (orgs, apps, products, devices) from a JSON file, upserted in one
// transaction. The whole file is validated before anything is written; the first problem is
// reported with its JSON path. Running the same file twice changes nothing.
//
//   {"enos": {"orgs": [{"orgId": "o1",
//      "apps": [{"appKey": "ak-1", "appSecret": "sk-1"}],
//      "products": [{"productKey": "pk1", "biDirectionalAuth": true, "maxValidDay": 3650,
//         "devices": [{"deviceKey": "dk1", "assetId": "asset1"}]}]}]}}
//
// assetId is unique per org, (productKey, deviceKey) unique per org, appKey unique overall.
// An "emca" section (API users and certificate profiles) is described in seed_emca.hpp.
// The "foundry" section (Foundry accounts): tools/localca/seed_foundry.hpp.
#include "ca/clock.hpp"
#include "storage/store.hpp"
#include "tools/localca/seed_emca.hpp"
#include "tools/localca/seed_fixtures.hpp"
#include "tools/localca/seed_foundry.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::tools {

struct seed_device {
    std::string device_key;
    std::string asset_id;
    std::optional<std::string> device_secret; // none: a random one when the device has none
    std::vector<seed_fixture> fixtures;       // tools/localca/seed_fixtures.hpp
};
struct seed_product {
    std::string product_key;
    bool bi_directional_auth = false;
    std::int64_t max_valid_day = 0;
    std::vector<seed_device> devices;
};
struct seed_app {
    std::string app_key;
    std::string app_secret;
};
struct seed_org {
    std::string org_id;
    std::vector<seed_app> apps;
    std::vector<seed_product> products;
};
struct seed_data {
    std::vector<seed_org> orgs;
    seed_emca emca; // tools/localca/seed_emca.hpp
    seed_foundry foundry; // tools/localca/seed_foundry.hpp
    // "lab": {"faults": [rule, ...]} (docs/lab.md): validated rules, kept by `localca seed` in
    // the data dir for the server's start (tools/localca/lab.hpp); unset: no lab section.
    std::optional<std::string> lab_faults; // the JSON array
};

// Parses and validates; throws tools::json_error naming the JSON path of the first problem.
seed_data parse_seed(std::string_view text);

struct seed_report {
    int inserted_or_changed = 0; // rows written
    int unchanged = 0;           // rows already as in the file
};

// Upserts everything in one writer transaction, secrets sealed by `secrets` (the engine's). A
// conflict with rows already in the database (e.g. an assetId used by another device of the org)
// throws std::runtime_error and writes nothing.
// The seed's audit entry is at `clk`'s time.
seed_report apply_seed(storage::store& store, const seed_data& data, const ca::secret_box& secrets,
                       const ca::clock& clk);

} // namespace localca::tools
