#pragma once
// What the CRL publisher (ca/crl_publisher.hpp) reads and writes in table authorities: the
// revocation counter the revoking transactions bump, and the stored CRL with the counter value
// it was built from.
#include "storage/connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace localca::storage {

// One primary-key read, without the CRL blob: cheap enough for every CRL fetch.
struct crl_state {
    std::int64_t revocations = 0;     // revocations committed so far (authorities.revocations)
    std::int64_t crl_revocations = 0; // the counter value the stored CRL was built from
    std::int64_t crl_number = 0;
    std::int64_t crl_this_update = 0; // unix seconds, 0 when there is no CRL
};

// Throws std::logic_error when the authority does not exist (init creates both).
crl_state read_crl_state(connection& db, const std::string& authority);

// Adds `count` to the authority's revocation counter. Runs in the revoking transaction, so that
// the counter and the status change commit together.
void count_revocations(connection& db, const std::string& authority, std::int64_t count = 1);

// Stores the CRL numbered `crl_number` only if the stored one is numbered crl_number - 1, so that
// the cRLNumber only grows even with several processes building. Returns false (and writes
// nothing) when another CRL took that number first.
bool store_next_crl(connection& db, const std::string& authority, std::int64_t crl_number,
                    const std::vector<std::uint8_t>& crl_der, std::int64_t this_update,
                    std::int64_t built_from_revocations);

// The stored CRL's DER (empty if none).
std::vector<std::uint8_t> stored_crl(connection& db, const std::string& authority);

} // namespace localca::storage
