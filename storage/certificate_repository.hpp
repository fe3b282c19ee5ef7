#pragma once
// Rows of table certificates and the lookups the issuance policy makes. Every function takes the
// connection to use: a store::reader() for reads, the writer job's connection inside a write.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage {

enum class certificate_status : int { valid = 0, revoked = 1 };

struct certificate_row {
    std::int64_t sn = 0;   // certSN, equal to the X.509 serial
    std::string authority; // "RSA" | "ECC"
    std::string profile;   // issuing profile name, e.g. "device"
    std::vector<std::uint8_t> subject_der;
    std::optional<std::string> subject_cn;
    std::vector<std::uint8_t> spki_sha256; // SHA-256 of the DER SubjectPublicKeyInfo
    std::optional<std::int64_t> device;    // devices.id of the bound device
    certificate_status status = certificate_status::valid;
    std::int64_t not_before = 0; // unix seconds
    std::int64_t not_after = 0;
    std::vector<std::uint8_t> der;
    std::optional<std::int64_t> revoked_at;
    std::optional<int> revocation_reason; // RFC 5280 CRLReason code
    std::string api = "pki"; // the issuing API (schemas/010_admin.sql); written, not read back
};

// Throws storage::database_error on a duplicate sn (a bug: serials come from the sequence).
void insert_certificate(connection& db, const certificate_row& row);

std::optional<certificate_row> find_certificate(connection& db, std::int64_t sn);

// Every certificate ever bound to the device, ascending sn.
std::vector<certificate_row> certificates_of_device(connection& db, std::int64_t device);

// Live = not revoked and not_after > now. Returns the sn of one live certificate whose subject CN
// equals cn and which is bound to a device other than `device` (or to no device), skipping
// `except_sn`; nullopt if none. Reads only the covering index certificates_live_cn (schemas/006).
std::optional<std::int64_t> live_cn_elsewhere(connection& db, const std::string& cn,
                                              std::optional<std::int64_t> device, std::int64_t now,
                                              std::optional<std::int64_t> except_sn = {});

// Same for the public key (index certificates_live_spki).
std::optional<std::int64_t> live_key_elsewhere(connection& db,
                                               const std::vector<std::uint8_t>& spki_sha256,
                                               std::optional<std::int64_t> device, std::int64_t now,
                                               std::optional<std::int64_t> except_sn = {});

// Marks a valid certificate revoked. Returns false (and writes nothing) if it is unknown or
// already revoked.
bool revoke_certificate(connection& db, std::int64_t sn, std::int64_t revoked_at, int reason);

struct revoked_entry {
    std::int64_t sn;
    std::int64_t revoked_at;
    int reason;
};
// Every revoked certificate of one authority, ascending sn (index certificates_revoked).
std::vector<revoked_entry> revoked_of_authority(connection& db, const std::string& authority);

// Highest sn in the table, 0 if empty.
std::int64_t max_certificate_sn(connection& db);

} // namespace localca::storage
