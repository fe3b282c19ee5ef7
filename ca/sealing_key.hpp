#pragma once
// The data key of the secret box. Random, made on first use, and stored in table sealing_key
// sealed under a key derived from the CA passphrase (Argon2id, random salt, parameters in the
// row), so that rotating the passphrase re-wraps 32 bytes instead of re-sealing every secret.
// The derivation is slow on purpose: it runs once per process (engine start), never per request.
#include "ca/secret_box.hpp"
#include "storage/store.hpp"

#include <memory>
#include <string>

namespace localca::ca {

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
