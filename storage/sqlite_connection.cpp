#include "storage/sqlite_connection.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

namespace localca::storage {

namespace {

using category = database_error::category;

category category_of(int rc) {
    switch (rc & 0xff) {
    // The storage itself failed (full disk, I/O error, read-only or vanished file...), not the
    // statement: SQLite may or may not have rolled the transaction back by itself.
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_NOMEM:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return category::unavailable;
    case SQLITE_CONSTRAINT:
        return category::constraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return category::busy;
    default:
        return category::other;
    }
}

// A path of this form names an in-memory database shared by every connection of one process
// that opens the same name (see store.cpp, which maps ":memory:" to one per store).
bool is_uri(const std::string& path) {
    return path.rfind("file:", 0) == 0;
}

bool is_memory(const std::string& path) {
    return path == ":memory:" || (is_uri(path) && (path.find("vfs=memdb") != std::string::npos ||
                                                   path.find("mode=memory") != std::string::npos));
}

// SQLite counts every allocation in global statistics (sqlite3_status) under one process-wide
// mutex, taken on each sqlite3_malloc and sqlite3_free. We never read those statistics, and with
// the writer and every worker in SQLite at once that mutex was the most contended lock of the
// server (futex waits in sqlite3Malloc from all three threads). It can only be switched off
// before SQLite initialises; if something in the process initialised it first, the call fails
// and the statistics stay on, which is merely slower.
void configure_sqlite_once() {
    static std::once_flag once;
    std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

class sqlite_statement final : public statement {
public:
    sqlite_statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    ~sqlite_statement() override { sqlite3_finalize(m_stmt); }
    sqlite_statement(const sqlite_statement&) = delete;
    sqlite_statement& operator=(const sqlite_statement&) = delete;

    void bind(int index, std::int64_t value) override {
        check_bind(sqlite3_bind_int64(m_stmt, index, value));
    }
    void bind(int index, std::string_view value) override {
        // A null pointer would bind NULL, and an empty string_view's data() may be null: keep
        // "empty" empty.
        check_bind(sqlite3_bind_text64(m_stmt, index, value.empty() ? "" : value.data(),
                                       value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    }
    void bind_blob(int index, std::span<const std::uint8_t> bytes) override {
        static const std::uint8_t empty = 0;
        check_bind(sqlite3_bind_blob64(m_stmt, index, bytes.empty() ? &empty : bytes.data(),
                                       bytes.size(), SQLITE_TRANSIENT));
    }
    void bind_null(int index) override { check_bind(sqlite3_bind_null(m_stmt, index)); }

    bool step() override {
        const int rc = sqlite3_step(m_stmt);
        if (rc == SQLITE_ROW) {
            m_has_row = true;
            return true;
        }
        m_has_row = false;
        if (rc == SQLITE_DONE) {
            return false;
        }
        throw_sqlite_error(m_db, rc);
    }

    std::int64_t exec() override {
        while (step()) {
        }
        // sqlite3_changes() keeps the count of the last INSERT/UPDATE/DELETE: meaningless here
        // for a statement that writes nothing (a SELECT, a transaction control statement).
        return sqlite3_stmt_readonly(m_stmt) ? 0 : sqlite3_changes64(m_db);
    }

    bool is_null(int column) const override {
        check_column(column);
        return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
    }
    std::int64_t get_int64(int column) const override {
        check_column(column);
        return sqlite3_column_int64(m_stmt, column);
    }
    double get_double(int column) const override {
        check_column(column);
        return sqlite3_column_double(m_stmt, column);
    }
    std::string get_string(int column) const override {
        check_column(column);
        const auto* text = sqlite3_column_text(m_stmt, column);
        return text == nullptr ? std::string()
                               : std::string(reinterpret_cast<const char*>(text),
                                             sqlite3_column_bytes(m_stmt, column));
    }
    std::vector<std::uint8_t> get_blob(int column) const override {
        check_column(column);
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
        return p == nullptr
                   ? std::vector<std::uint8_t>()
                   : std::vector<std::uint8_t>(p, p + sqlite3_column_bytes(m_stmt, column));
    }

    void reset() override {
        m_has_row = false;
        // Its result repeats the last step's error, which that step already threw.
        sqlite3_reset(m_stmt);
    }
    void clear_bindings() override { sqlite3_clear_bindings(m_stmt); }

private:
    void check_bind(int rc) const {
        if (rc != SQLITE_OK) {
            throw_sqlite_error(m_db, rc);
        }
    }
    // Reading without a row, or past the last column, is a bug: say so rather than read garbage.
    void check_column(int column) const {
        if (!m_has_row || column < 0 || column >= sqlite3_column_count(m_stmt)) {
            throw database_error(category::other, (m_has_row ? "no column " + std::to_string(column)
                                                             : std::string("no current row")) +
                                                      " in: " + sqlite3_sql(m_stmt));
        }
    }

    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
    bool m_has_row = false;
};

} // namespace

void throw_sqlite_error(sqlite3* db, int rc) {
    // The message is SQLite's own ("UNIQUE constraint failed: ..."), as callers and logs knew it.
    const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw database_error(category_of(rc), message);
}

sqlite_connection::sqlite_connection(const options& opts) {
    configure_sqlite_once();
    const std::string path = opts.path.string();
    const bool memory = is_memory(path);
    // NOMUTEX: each connection is used by one thread at a time (the writer's by its thread, a
    // reader by the thread that opened it), so SQLite's per-connection mutex would be pure cost.
    const int rc = sqlite3_open_v2(path.c_str(), &m_db,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                       SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                                   nullptr);
    if (rc != SQLITE_OK) {
        const database_error error(category_of(rc),
                                   m_db != nullptr ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
        sqlite3_close_v2(m_db);
        throw error;
    }
    try {
        // Set before the first statement that may need a lock.
        sqlite3_busy_timeout(m_db,
                             static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(
                                 opts.busy_timeout.count(), 0, std::numeric_limits<int>::max())));
        if (!memory) {
            // WAL lets readers run while the writer writes, and makes a commit one sequential
            // append. journal_mode is persistent in the file; on a WAL database this is a read.
            // Switching a new file to WAL takes an exclusive lock without calling the busy
            // handler, so two processes creating the same database at once (`localca serve` and
            // `localca seed` on a fresh data dir) made the loser fail at once with "database is
            // locked": retry while busy, up to the busy timeout.
            const auto deadline = std::chrono::steady_clock::now() + opts.busy_timeout;
            std::string mode;
            for (;;) {
                try {
                    auto q = prepare("PRAGMA journal_mode = WAL");
                    q->step();
                    mode = q->get_string(0);
                    break;
                } catch (const database_error& e) {
                    if (e.which() != category::busy ||
                        std::chrono::steady_clock::now() >= deadline) {
                        throw;
                    }
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            }
            if (mode != "wal") {
                throw std::runtime_error("cannot put " + path + " in WAL mode (journal_mode is " +
                                         mode + "); is it on a file system without shared memory?");
            }
        }
        // FULL: a COMMIT returns only after the WAL is fsynced, so an acknowledged issuance
        // survives a power loss. NORMAL keeps the file consistent but may lose the last commits
        // on power loss.
        exec_script(opts.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        exec_script("PRAGMA foreign_keys = ON");
        if (!memory) {
            exec_script("PRAGMA mmap_size = " +
                        std::to_string(std::max<std::int64_t>(0, opts.mmap_bytes)));
        }
    } catch (...) {
        sqlite3_close_v2(m_db);
        throw;
    }
}

sqlite_connection::~sqlite_connection() {
    // The cached statements first: a connection with live statements does not close.
    set_caching(false);
    sqlite3_close_v2(m_db);
}

void sqlite_connection::exec_script(std::string_view sql) {
    const std::string text(sql);
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        throw_sqlite_error(m_db, rc);
    }
}

void sqlite_connection::begin_write() {
    // IMMEDIATE takes the write lock now: if another process (the CLI) holds it, we wait here
    // (busy timeout) rather than failing halfway through a transaction.
    exec_script("BEGIN IMMEDIATE");
}

void sqlite_connection::begin_read() {
    exec_script("BEGIN");
}

void sqlite_connection::commit() {
    exec_script("COMMIT");
}

void sqlite_connection::rollback() {
    exec_script("ROLLBACK");
}

void sqlite_connection::savepoint(std::string_view name) {
    exec_script("SAVEPOINT " + std::string(name));
}

void sqlite_connection::release(std::string_view name) {
    exec_script("RELEASE " + std::string(name));
}

void sqlite_connection::rollback_to(std::string_view name) {
    exec_script("ROLLBACK TO " + std::string(name));
}

bool sqlite_connection::in_transaction() const {
    return sqlite3_get_autocommit(m_db) == 0;
}

std::unique_ptr<statement> sqlite_connection::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
    if (rc != SQLITE_OK) {
        throw_sqlite_error(m_db, rc);
    }
    if (stmt == nullptr) {
        throw database_error(category::other, "no statement in: " + std::string(sql));
    }
    return std::make_unique<sqlite_statement>(m_db, stmt);
}

} // namespace localca::storage
