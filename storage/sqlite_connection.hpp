#pragma once
// The SQLite backend of the storage seam (storage/connection.hpp), over the sqlite3 C API.
//
// Why the C API rather than SQLiteCpp: every issuance runs a dozen statements on the writer and
// the readers; the C calls do exactly what the seam asks (no per-column wrapper objects, no
// std::string for the SQL of a cached statement), and the error code is at hand to classify.
#include "storage/connection.hpp"

struct sqlite3;

namespace localca::storage {

class sqlite_connection : public connection {
public:
    // Opens opts.path (a file, or a "file:" URI: that is how every connection of a ":memory:"
    // store reaches the same in-memory database) with our pragmas: WAL (files only), foreign keys
    // on, busy timeout, synchronous per opts.durable, mmap_size per opts.mmap_bytes.
    explicit sqlite_connection(const options& opts);
    ~sqlite_connection() override;

    sqlite_connection(const sqlite_connection&) = delete;
    sqlite_connection& operator=(const sqlite_connection&) = delete;

    storage::backend kind() const override { return backend::sqlite; }
    void exec_script(std::string_view sql) override;
    void begin_write() override;
    void begin_read() override;
    void commit() override;
    void rollback() override;
    void savepoint(std::string_view name) override;
    void release(std::string_view name) override;
    void rollback_to(std::string_view name) override;
    bool in_transaction() const override;
    std::unique_ptr<statement> prepare(std::string_view sql) override;

    // For SQLite-only tooling and tests (tracing); nothing in the repositories uses it.
    sqlite3* native_handle() const { return m_db; }

private:
    sqlite3* m_db = nullptr;
};

// Throws the database_error for SQLite result code rc (its category from the primary code).
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc);

} // namespace localca::storage
