#pragma once
// Table authorities: the root certificate and the current CRL of each authority.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage {

struct authority_row {
    std::string name; // "RSA" | "ECC"
    std::vector<std::uint8_t> cert_der;
    std::int64_t crl_number = 0; // number of the current CRL, 0 before the first one
    std::vector<std::uint8_t> crl_der;
    std::int64_t crl_this_update = 0;
};

// Inserts, or does nothing if the name exists (init is idempotent).
void insert_authority(connection& db, const authority_row& row);
std::optional<authority_row> find_authority(connection& db, const std::string& name);
// How many authorities are stored: /healthz's proof that the database answers.
std::int64_t count_authorities(connection& db);
// Stores a new CRL for the authority.
void update_crl(connection& db, const std::string& name, std::int64_t crl_number,
                const std::vector<std::uint8_t>& crl_der, std::int64_t this_update);

} // namespace localca::storage
