#pragma once
// Certificate fixtures of a seed file (docs/lab.md, "Certificate fixtures"): certificates a
// seeded EnOS device has before its first call, already expired, expiring soon or revoked, so
// that a client's renewal and revocation handling can be tested at once.
//
//   "devices": [{"deviceKey": "dk1", "assetId": "a1", "fixtures": [
//       {"authority": "RSA", "validDays": 365, "issuedDaysAgo": 400},
//       {"authority": "ECC", "validDays": 30, "issuedDaysAgo": 25},
//       {"authority": "RSA", "validDays": 365, "revoked": "keyCompromise"}]}]
//
// Each is issued through the engine like an apply (a fresh key, CN = the deviceKey, bound to the
// device, durable serial, stored row, audit entry "fixture", in CRLs and OCSP once revoked),
// with notBefore = the (lab) time minus issuedDaysAgo; a revoked one is revoked through the
// engine right after. A device that already has a certificate gets none: seeding twice issues
// nothing new.
#include "ca/authority_kind.hpp"
#include "ca/engine.hpp"
#include "storage/store.hpp"
#include "tools/localca/json_reader.hpp"

#include <cstdint>
#include <optional>
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

// Issues the fixtures of `data` (after apply_seed: the devices exist). Throws
// std::runtime_error naming the device when the engine refuses one.
fixture_report issue_fixtures(ca::engine& engine, const seed_data& data);

} // namespace localca::tools
