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

    // Serials reserved per durable block (see serial_sequence.hpp).
    std::int64_t serial_block = 1000;
};

} // namespace localca::storage
