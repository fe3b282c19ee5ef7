#pragma once
// Storage options. Every field documents its default.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

namespace localca::storage {

// Which database a store runs on (storage/connection.hpp, docs/scale-out.md).
enum class backend { sqlite, postgres };

// "sqlite" or "postgres": the names of storage.backend in the config.
inline const char* to_string(backend b) {
    return b == backend::postgres ? "postgres" : "sqlite";
}

// The PostgreSQL backend (storage.postgres.* in the config).
struct postgres_options {
    // A libpq connection URI ("postgres://user@host:5432/localca"); the password may come from
    // the URI, PGPASSWORD or ~/.pgpass, as for every libpq client. Empty: libpq's defaults.
    std::string url;
    // Read connections a store opens at most (the writer has one more): each reading thread
    // borrows one per statement or read transaction (storage/read_pool.hpp). Default 8.
    std::size_t pool_size = 8;
    // statement_timeout of every connection: a statement running longer fails (the request gets
    // its API's internal error) instead of hanging while the server is unreachable. Default 5 s.
    std::chrono::milliseconds statement_timeout{5000};
};

struct options {
    // sqlite (the default: one file, nothing to install) or postgres (several nodes, one server).
    storage::backend backend = storage::backend::sqlite;
    postgres_options postgres;
    // The SQLite database file. ":memory:" is accepted for unit tests (then every connection of a
    // store shares one in-memory database through a shared-cache URI).
    std::filesystem::path path;

    // true: synchronous=FULL, a COMMIT returns only after fsync. false is for benchmarks only.
    bool durable = true;

    // true: the writer commits every job waiting in its queue in one transaction (group commit).
    // false: one transaction, and one fsync, per job. Kept to measure the difference.
    bool group_commit = true;

    // Upper bound of jobs in one group commit.
    std::size_t max_batch = 256;

    // How long a connection waits on a lock held by another process (e.g. the CLI) before failing.
    std::chrono::milliseconds busy_timeout{5000};

    // Bytes of the database file that SQLite reads through a memory map (PRAGMA mmap_size);
    // 0 (the default) = plain read() calls. Why off: in WAL mode a read transaction that finds
    // the database changed since the connection's last one (under load: nearly every one) makes
    // SQLite unmap the whole file and map it again, so every page touched afterwards is a page
    // fault, and each unmap a TLB shoot-down on the other cores. Measured side by side
    // (docs/performance.md): 256 MiB cost 30-35 % of the ECC issuance rate, on an empty database
    // and on 1,000,000 rows alike. Worth trying only for read-mostly use.
    std::int64_t mmap_bytes = 0;

    // Page cache of the writer's connection, in bytes (PRAGMA cache_size); default 32 MiB. The
    // writer is the only connection whose cache survives other commits (a reader's is emptied
    // whenever it sees the database changed), and each issuance inserts into indexes at places
    // spread over the whole file (CN, key, device): with SQLite's default 2 MiB the writer re-read
    // index pages from the file for most inserts once the indexes outgrew it. Memory is taken
    // only as pages are read, so a small database costs no more.
    std::int64_t writer_cache_bytes = std::int64_t(32) << 20;

    // Serials reserved per durable block (see serial_sequence.hpp).
    std::int64_t serial_block = 1000;
};

} // namespace localca::storage
