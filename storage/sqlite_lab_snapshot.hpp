#pragma once
// Lab snapshots of the SQLite database (docs/lab.md, "Reset and snapshots"): bringing a saved
// copy back *into* the live database file with SQLite's online backup API, so that the file is
// replaced page by page in one transaction of the destination connection (another connection
// sees the old state or the new one, never a mix), and the serial sequence never goes back.
// Saving a snapshot is storage/backup.hpp's backup_database().
#include <cstdint>
#include <filesystem>

namespace localca::storage {

struct lab_restore_outcome {
    std::int64_t certificates_before = 0;
    std::int64_t certificates_after = 0;
    std::int64_t next_serial = 0; // serial_sequence.next_free after the restore
};

// Certificates in the database file at `path` (a snapshot or the live one).
std::int64_t count_certificates_in(const std::filesystem::path& path);

// Copies `snapshot` over the database at `live` (no other writer may run: the caller holds the
// data dir lock), then raises serial_sequence.next_free to max(live's before, snapshot's):
// a serial issued after the restore is above every serial issued before it; likewise each
// authority's CRL number, and its revocation counter is bumped so that the next CRL is rebuilt
// from the restored state. Throws
// std::runtime_error on failure; on a failed copy the live database is unchanged.
lab_restore_outcome restore_database_from(const std::filesystem::path& live,
                                          const std::filesystem::path& snapshot);

} // namespace localca::storage
