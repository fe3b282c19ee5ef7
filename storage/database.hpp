#pragma once
// Opening a SQLite connection with our pragmas, and applying migrations.
#include "storage/options.hpp"

#include <SQLiteCpp/Database.h>

#include <memory>
#include <stdexcept>

namespace localca::storage {

// Thrown when the database was written by a newer LocalCA (schema version above what we know).
class schema_too_new : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Opens one connection: WAL, foreign keys on, busy timeout, synchronous per options.durable.
// Does not migrate. opts.path may also be a SQLite URI ("file:..."): that is how every connection
// of a ":memory:" store reaches the same in-memory database.
std::unique_ptr<SQLite::Database> open_connection(const options& opts);

// Applies every migration of schemas/ above the recorded version, each in its own transaction,
// and records it in table schema_version. Throws schema_too_new if the file is newer than us.
// Returns the resulting version.
int migrate(SQLite::Database& db);

// The highest migration version compiled into this binary.
int known_schema_version();

} // namespace localca::storage
