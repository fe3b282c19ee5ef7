#pragma once
// Certificate fixtures of a seed file (docs/lab.md, "Certificate fixtures"): certificates a
// seeded EnOS device, Foundry device or emCA user has before its first call, already expired,
// expiring soon or revoked, so that a client's renewal and revocation handling can be tested at
// once.
//
//   "devices": [{"deviceKey": "dk1", "assetId": "a1", "fixtures": [
//       {"authority": "RSA", "validDays": 365, "issuedDaysAgo": 400},
//       {"authority": "ECC", "validDays": 30, "issuedDaysAgo": 25},
//       {"authority": "RSA", "validDays": 365, "revoked": "keyCompromise"}]}]
//
// Each is issued through the engine like the API's own issuance (a fresh key, durable serial,
// stored row, audit entry "fixture", in CRLs and OCSP once revoked), with notBefore = the (lab)
// time minus issuedDaysAgo; a revoked one is revoked through the engine right after. The API's
// own binding (EnOS device, Foundry managed certificate, emCA issuance item) commits in the
// issuing transaction. An owner that already has a certificate gets none: seeding twice issues
// nothing new. The Foundry and emCA owners live in seed_foundry.* and seed_emca.*.
#include "ca/authority_kind.hpp"
#include "ca/engine.hpp"
#include "storage/store.hpp"
#include "tools/localca/json_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::tools {

struct seed_fixture {
    ca::authority_kind authority = ca::authority_kind::rsa;
    std::int64_t valid_days = 365;
    std::int64_t issued_days_ago = 0;
    std::optional<int> revoked; // RFC 5280 reason code
};

// A "fixtures" array; fails naming the JSON path of the first problem.
std::vector<seed_fixture> parse_fixtures(const json_node& n);

struct seed_data;

struct fixture_report {
    int issued = 0;
    int revoked = 0;
};

// Who a set of fixtures belongs to, as the API that would have issued them binds it.
struct fixture_owner {
    std::string api;                    // the issuing API's name, stored with each certificate
    std::string name;                   // for errors: "Foundry device 123456789012/d1"
    std::string common_name;            // subject CN
    std::optional<std::int64_t> device; // EnOS: the engine's own device binding
    // The API's state rows, written in the issuing transaction (may be empty).
    ca::engine::batch_writes bind;
    // Run in the revoking transaction of a revoked fixture (may be empty).
    ca::engine::revoke_hook on_revoke;
};

// Issues `fixtures` for `owner` in one transaction, then revokes those that ask for it; adds to
// `report`. Throws std::runtime_error naming the owner when the engine refuses one.
std::vector<ca::issued_certificate> issue_owner_fixtures(ca::engine& engine,
                                                         const std::vector<seed_fixture>& fixtures,
                                                         const fixture_owner& owner,
                                                         fixture_report& report);

// Issues the fixtures of `data`, EnOS, Foundry and emCA (after apply_seed: the owners exist).
// Throws std::runtime_error naming the owner when the engine refuses one.
fixture_report issue_fixtures(ca::engine& engine, const seed_data& data);

} // namespace localca::tools
