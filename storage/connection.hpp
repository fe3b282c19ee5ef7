#pragma once
// The backend seam: one database connection, SQLite or PostgreSQL, as every repository sees it.
//
// Why a seam of our own rather than SQLiteCpp's types everywhere: LocalCA runs on an embedded
// SQLite file by default and on a shared PostgreSQL server when several nodes serve one CA
// (docs/scale-out.md). The core and the personalities must not know which one runs, so every
// repository, the writer and the migrations talk to this interface only; each backend lives in
// one pair of files (sqlite_connection.*, postgres_connection.*).
//
// The SQL dialect is the common subset of SQLite >= 3.35 and PostgreSQL 15: `?` placeholders
// (the PostgreSQL backend numbers them $1, $2, ...), INSERT ... ON CONFLICT ... DO NOTHING /
// DO UPDATE, RETURNING instead of last_insert_rowid(), COALESCE, CASE, integers (BIGINT) for
// booleans and times (unix seconds), TEXT, and BLOB (bytea on PostgreSQL). A statement that cannot
// be written in that subset picks its text by connection::kind(), inside storage/ only.
//
// A connection and the statements it hands out are used by one thread at a time.
#include "storage/options.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace localca::storage {

// A failure of the database itself, classified so that callers decide without knowing the backend.
class database_error : public std::runtime_error {
public:
    enum class category {
        // The storage cannot be written or reached: disk full, I/O error, read-only file, server
        // unreachable or shutting down, statement timeout. The whole writer group fails.
        unavailable,
        // A UNIQUE / PRIMARY KEY / FOREIGN KEY / CHECK constraint refused a row.
        constraint,
        // Another writer holds the lock (SQLite busy timeout expired, PostgreSQL lock timeout or
        // serialization failure): retrying the transaction may succeed.
        busy,
        // Anything else (SQL error, type mismatch): a bug.
        other,
    };
    database_error(category c, const std::string& what) : std::runtime_error(what), m_category(c) {}
    category which() const noexcept { return m_category; }

private:
    category m_category;
};

// One prepared statement. Bind indexes are 1-based (as in SQLite), column indexes 0-based.
// Bindings stay until clear_bindings() or the statement's return to its connection's cache.
class statement {
public:
    virtual ~statement() = default;

    virtual void bind(int index, std::int64_t value) = 0;
    virtual void bind(int index, std::string_view value) = 0;
    // Disambiguates string literals, which would otherwise convert to bool-like integers.
    void bind(int index, const char* value) { bind(index, std::string_view(value)); }
    void bind(int index, const std::string& value) { bind(index, std::string_view(value)); }
    void bind(int index, int value) { bind(index, static_cast<std::int64_t>(value)); }
    virtual void bind_blob(int index, std::span<const std::uint8_t> bytes) = 0;
    virtual void bind_null(int index) = 0;

    // Runs the statement (on the first call) and moves to the next result row: false when there
    // is none. Column getters read the current row.
    virtual bool step() = 0;
    // Runs the statement to completion and returns the number of rows it inserted, updated or
    // deleted.
    virtual std::int64_t exec() = 0;
    // Runs the statement when nothing waits for its outcome (an INSERT whose count nobody reads).
    // Inside a transaction a backend that pays a round trip per statement (PostgreSQL) sends it
    // together with the next statement that needs an answer, or at flush() or commit(); an error
    // of it is thrown there. Elsewhere, and on SQLite, it is exec().
    virtual void exec_later() { exec(); }

    virtual bool is_null(int column) const = 0;
    virtual std::int64_t get_int64(int column) const = 0;
    virtual double get_double(int column) const = 0;
    virtual std::string get_string(int column) const = 0;
    virtual std::vector<std::uint8_t> get_blob(int column) const = 0;
    std::optional<std::int64_t> get_optional_int64(int column) const {
        return is_null(column) ? std::nullopt : std::optional<std::int64_t>(get_int64(column));
    }
    std::optional<std::string> get_optional_string(int column) const {
        return is_null(column) ? std::nullopt : std::optional<std::string>(get_string(column));
    }

    // Ends the current execution (a SELECT left mid-result must not pin a read snapshot) so the
    // statement can run again; keeps the bindings.
    virtual void reset() = 0;
    virtual void clear_bindings() = 0;
};

class connection;

// A statement borrowed from a connection: prepared once per connection and SQL text, reset and
// its bindings cleared when this handle goes away (so it can be handed out again).
class statement_handle {
public:
    statement_handle(connection& owner, std::string_view sql);
    ~statement_handle();
    statement_handle(const statement_handle&) = delete;
    statement_handle& operator=(const statement_handle&) = delete;

    statement& operator*() const { return *m_statement; }
    statement* operator->() const { return m_statement; }

private:
    statement* m_statement = nullptr;
    std::unique_ptr<statement> m_fresh; // when the connection does not cache, or it is in use
    bool* m_in_use = nullptr;
};

class connection {
public:
    connection();
    // Out of line: the statement cache's type is complete only in connection.cpp.
    virtual ~connection();

    virtual storage::backend kind() const = 0;

    // Runs SQL without results (may hold several statements separated by ';': migrations, DDL).
    virtual void exec_script(std::string_view sql) = 0;

    // Transactions. begin_write() starts a transaction that will write: on SQLite BEGIN IMMEDIATE
    // (takes the file's write lock now), on PostgreSQL BEGIN plus the cluster-wide writer lock
    // (pg_advisory_xact_lock), so that, as with one SQLite file, one writer at a time decides
    // policy checks, serial blocks and the audit chain's order across all nodes.
    virtual void begin_write() = 0;
    virtual void begin_read() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    virtual void savepoint(std::string_view name) = 0;
    virtual void release(std::string_view name) = 0;
    virtual void rollback_to(std::string_view name) = 0;
    // true while a transaction is open (false after the backend itself aborted one).
    virtual bool in_transaction() const = 0;
    // Waits for what exec_later(), savepoint() and release() left unanswered and throws the first
    // error among them: the writer calls it at the end of each job so that a deferred insert's
    // error is that job's. No-op where nothing is deferred (SQLite).
    virtual void flush() {}

    // A fresh prepared statement for sql (the dialect above). Prefer statement_handle, which
    // reuses the connection's prepared statement for the same text.
    virtual std::unique_ptr<statement> prepare(std::string_view sql) = 0;

    // Statement caching, used by statement_handle: when on, the connection keeps one prepared
    // statement per SQL text for its lifetime (the store's readers and the writer turn it on;
    // preparing was ~8 % of the instructions per issued certificate). Off: every handle prepares.
    void set_caching(bool on);
    bool caching() const { return m_caching; }

private:
    friend class statement_handle;
    // (The cache's layout is the implementation's choice; connection.cpp.)
    struct cache;
    std::unique_ptr<cache> m_cache;
    bool m_caching = false;
};

// Opens a connection of opts.backend (sqlite: opts.path with our pragmas; postgres:
// opts.postgres). Does not migrate.
std::unique_ptr<connection> open_connection(const options& opts);

} // namespace localca::storage
