#pragma once
// Both live-duplicate lookups of storage/certificate_repository.hpp (live_cn_elsewhere,
// live_key_elsewhere) in one statement: one round trip and executor pass on PostgreSQL, where the
// writer makes them for every issuance that asks for both. Defined in certificate_repository.cpp.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage {

// Each sn as live_cn_elsewhere / live_key_elsewhere would give it.
struct live_duplicates {
    std::optional<std::int64_t> cn_sn;
    std::optional<std::int64_t> key_sn;
};

live_duplicates live_cn_and_key_elsewhere(connection& db, const std::string& cn,
                                          const std::vector<std::uint8_t>& spki_sha256,
                                          std::optional<std::int64_t> device, std::int64_t now,
                                          std::optional<std::int64_t> except_sn = {});

} // namespace localca::storage
