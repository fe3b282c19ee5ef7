#pragma once
// Applying migrations (opening a connection: storage/connection.hpp).
#include "storage/connection.hpp"

#include <memory>
#include <stdexcept>

namespace localca::storage {

// Thrown when the database was written by a newer LocalCA (schema version above what we know).
class schema_too_new : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Applies every migration of schemas/ above the recorded version, each in its own transaction,
// and records it in table schema_version. Throws schema_too_new if the file is newer than us.
// Returns the resulting version.
int migrate(connection& db);

// The highest migration version compiled into this binary.
int known_schema_version();

} // namespace localca::storage
