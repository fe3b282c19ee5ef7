#pragma once
// The storage facade the CA engine holds: per-thread read connections and the single writer.
#include "storage/options.hpp"
#include "storage/writer.hpp"

#include "storage/connection.hpp"

#include <memory>
#include <mutex>
#include <vector>

namespace localca::storage {

class read_pool;

class store {
public:
    // Opens (creating if needed) and migrates the database, then starts the writer.
    explicit store(const options& opts);
    ~store();

    store(const store&) = delete;
    store& operator=(const store&) = delete;

    // A read connection owned by the calling thread (opened on first use, closed with the store).
    // Never use it to write: writes go through writer(). On SQLite it is query_only, so a write
    // throws. On PostgreSQL it borrows one of storage.postgres.poolSize connections per statement
    // or read transaction (storage/read_pool.hpp), so a node holds at most that many readers.
    connection& reader();

    // Read connections opened to the server so far (PostgreSQL; 0 on SQLite): at most poolSize.
    std::size_t pooled_readers() const;

    storage::writer& writer() { return *m_writer; }
    // For a ":memory:" store, path is the URI of its shared in-memory database, so that
    // open_connection(opts()) joins it.
    const options& opts() const { return m_options; }

private:
    options m_options;
    std::unique_ptr<connection> m_keepalive; // keeps a ":memory:" database alive
    std::unique_ptr<storage::writer> m_writer;
    std::unique_ptr<read_pool> m_pool; // PostgreSQL: outlives the readers that borrow from it
    std::mutex m_readers_mutex;
    std::vector<std::unique_ptr<connection>> m_readers; // owned here, indexed per thread
    const std::uint64_t m_id;                           // key of this store in thread caches
};

} // namespace localca::storage
