#pragma once
// A consistent copy of a live database with SQLite's online backup API: safe while the server
// writes (WAL readers do not block the writer), and the copy is one snapshot.
#include <filesystem>

namespace localca::storage {

// Copies the database at `source` (which may be in use) into a new file `destination` (must not
// exist), then fsyncs it. Throws std::runtime_error / SQLite::Exception on failure.
void backup_database(const std::filesystem::path& source,
                     const std::filesystem::path& destination);

} // namespace localca::storage
