#pragma once
// Lab snapshots of the SQLite database (docs/lab.md, "Reset and snapshots"): bringing a saved
// copy back *into* the live database with SQLite's online backup API through the writer's own
// connection, run alone on the writer (storage::writer::run_alone), so that no write interleaves
// and the file is replaced page by page in one write transaction of that connection: a reader
// on another connection sees the whole old state or the whole new one, never a mix. Saving a
// snapshot is storage/backup.hpp's backup_database().
#include "storage/connection.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>

namespace localca::storage {

struct lab_restore_outcome {
    std::int64_t certificates_before = 0;
    std::int64_t certificates_after = 0;
    std::int64_t next_serial = 0; // serial_sequence.next_free after the restore
};

// Certificates in the database file at `path` (a snapshot or the live one).
std::int64_t count_certificates_in(const std::filesystem::path& path);

// Copies the database file `snapshot` over the database of `db` (the writer's connection, outside
// any transaction), then in one transaction raises serial_sequence.next_free to max(its value
// before, the snapshot's) -- a serial issued after the restore is above every serial issued
// before it -- and likewise each authority's CRL number, bumps its revocation counter so that
// the next CRL is rebuilt from the restored state (ca/crl_publisher.hpp), and runs `also` (e.g.
// the audit entry). Throws std::runtime_error when `db` is not SQLite (PostgreSQL: pg_dump) or
// the copy fails; a failed copy leaves the database unchanged.
lab_restore_outcome restore_database_into(
    connection& db, const std::filesystem::path& snapshot,
    const std::function<void(connection&, const lab_restore_outcome&)>& also = {});

} // namespace localca::storage
