#pragma once
// Storage options. Every field documents its default.
#include <chrono>
#include <cstddef>
#include <filesystem>

namespace localca::storage {

struct options {
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
    // 0 = plain read() calls. Why: in WAL mode a read connection drops its page cache whenever
    // another connection has committed, i.e. on nearly every request under load, and re-reads
    // each B-tree page it touches; through the map that costs no system call and no copy. Writes
    // still go through write(). Default 256 MiB of address space (not of memory).
    std::int64_t mmap_bytes = 256 * 1024 * 1024;

    // Serials reserved per durable block (see serial_sequence.hpp).
    std::int64_t serial_block = 1000;
};

} // namespace localca::storage
