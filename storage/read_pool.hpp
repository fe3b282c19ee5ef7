#pragma once
// The read connections of a store on PostgreSQL, at most storage.postgres.poolSize of them.
//
// Why a pool behind a per-thread connection rather than one connection per thread: every thread
// that reads (the worker threads, the CRL publisher, the key pool...) used to keep a server
// connection for the life of the node, so PostgreSQL's max_connections had to be planned per
// thread rather than per node. A pooled_connection is what store::reader() hands a thread: it
// borrows a real connection from the pool for as long as one of its statements or its read
// transaction is alive and gives it back right after, so callers keep using `connection&` as on
// SQLite, and a node holds at most pool_size read connections (plus the writer's).
//
// A thread that finds every connection borrowed waits, at most statement_timeout, then gets
// database_error(unavailable): a request fails rather than hanging when the pool is too small.
#include "storage/connection.hpp"
#include "storage/options.hpp"

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace localca::storage {

class read_pool {
public:
    // Opens nothing yet: connections are opened on demand, up to opts.postgres.pool_size.
    explicit read_pool(const options& opts);
    ~read_pool();
    read_pool(const read_pool&) = delete;
    read_pool& operator=(const read_pool&) = delete;

    // A connection for the caller alone until give_back(). Waits while all are borrowed.
    connection& borrow();
    void give_back(connection& c);

    // Connections opened so far (never more than the pool's size).
    std::size_t opened() const;

    const options& opts() const { return m_options; }

private:
    options m_options;
    std::size_t m_size;
    mutable std::mutex m_mutex;
    std::condition_variable m_returned;
    std::vector<std::unique_ptr<connection>> m_all;
    std::vector<connection*> m_idle;
    std::size_t m_opening = 0; // being opened outside the lock, counted against the size
};

// The connection store::reader() gives one thread: borrows from the pool per statement or read
// transaction (see above). Used by one thread at a time, as every connection.
class pooled_connection final : public connection {
public:
    explicit pooled_connection(read_pool& pool) : m_pool(pool) {}
    ~pooled_connection() override;

    storage::backend kind() const override { return m_pool.opts().backend; }
    void exec_script(std::string_view sql) override;
    // Readers never write: the writer does (store.hpp).
    void begin_write() override;
    void begin_read() override;
    void commit() override;
    void rollback() override;
    void savepoint(std::string_view name) override;
    void release(std::string_view name) override;
    void rollback_to(std::string_view name) override;
    bool in_transaction() const override;
    std::unique_ptr<statement> prepare(std::string_view sql) override;

    // For its statements: one more (or one fewer) user of the borrowed connection.
    connection& use();
    void unuse();

private:
    connection& borrowed(std::string_view what);
    read_pool& m_pool;
    connection* m_borrowed = nullptr;
    int m_users = 0; // live statements and the open transaction
    bool m_transaction = false;
};

} // namespace localca::storage
