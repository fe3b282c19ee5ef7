#pragma once
// The data key of the secret box. Random, made on first use, and stored in table sealing_key
// sealed under a key derived from the CA passphrase (Argon2id, random salt, parameters in the
// row), so that rotating the passphrase re-wraps 32 bytes instead of re-sealing every secret.
// The derivation is slow on purpose: it runs once per process (engine start), never per request.
#include "ca/secret_box.hpp"
#include "storage/store.hpp"

#include "storage/connection.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace localca::ca {

// Seals one clear secret left by a database older than schema 5 back into the row it came from
// (row_id in the kind's table), inside the upgrading transaction. The core does not know which
// tables hold secrets: the module that owns one registers a resealer for its kind of
// storage::unsealed_secret (the wiring calls the modules' registrations once, before the first
// engine opens the store). A kind nobody registered stops the start.
using resealer = std::function<void(storage::connection& db, const secret_box& box,
                                    std::int64_t row_id, const std::vector<std::uint8_t>& value)>;
// Replaces an earlier registration of the same kind. Thread-safe.
void register_resealer(const std::string& kind, resealer fn);

// Opens the data key under the passphrase, creating it on first use (another process may race
// us: the first one's key wins). Then seals the clear secrets a database older than schema 5
// left in unsealed_secrets, in one transaction, and truncates the WAL so that their clear bytes
// leave the disk. Throws std::runtime_error when the passphrase does not open the key.
std::unique_ptr<secret_box> open_sealing_key(storage::store& store, const std::string& passphrase);

// Re-wraps the data key under new_passphrase, with a new salt. Returns false and changes nothing
// when it already opens under new_passphrase, so that a rotation stopped halfway can be run again.
// Throws std::runtime_error when neither passphrase opens it.
bool rewrap_sealing_key(storage::store& store, const std::string& old_passphrase,
                        const std::string& new_passphrase);

} // namespace localca::ca
