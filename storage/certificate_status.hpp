#pragma once
// The revocation state of one certificate, without its DER: what an OCSP answer is made of, read
// on every request (a cached response is served only while this state is unchanged).
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace localca::storage {

struct certificate_state {
    std::string authority; // "RSA" | "ECC"
    bool revoked = false;
    std::int64_t revoked_at = 0; // unix seconds, revoked only
    int reason = 0;              // RFC 5280 CRLReason code, revoked only

    bool operator==(const certificate_state&) const = default;
};

// nullopt when no certificate has this serial. One primary-key lookup (cached statement).
std::optional<certificate_state> find_certificate_state(connection& db, std::int64_t sn);

} // namespace localca::storage
