#pragma once
// Table unsealed_secrets: the clear secrets of a database older than schema 5, moved there by
// migration 005 until a start with the passphrase seals them (ca/sealing_key.cpp). Each row's
// kind names the table it came from; the storage module owning that table defines the kind.
// Empty on every database created by schema 5 or later.
#include "storage/connection.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace localca::storage {

struct unsealed_secret {
    std::string kind;
    std::int64_t row_id = 0;
    std::vector<std::uint8_t> value;
};

std::vector<unsealed_secret> list_unsealed_secrets(connection& db);

// Deletes every row. Run with secure_delete on, so the clear bytes are overwritten.
void clear_unsealed_secrets(connection& db);

// Calls seal for every row (it rewrites the row's origin with the sealed value), then deletes
// them all, with the freed space zeroed rather than left holding clear bytes: on SQLite, with
// secure_delete on for the duration. (PostgreSQL keeps old row versions until VACUUM reclaims
// them; docs/scale-out.md.) Run inside a write transaction.
void seal_unsealed_secrets(connection& db,
                           const std::function<void(connection&, const unsealed_secret&)>& seal);

// After seal_unsealed_secrets committed: SQLite still has the clear values in WAL frames written
// by the migration, so this copies the new pages into the database file and cuts the WAL to zero
// bytes. Nothing on PostgreSQL, whose WAL is the server's.
void drop_logged_clear_secrets(connection& db);

} // namespace localca::storage
