#include "storage/database.hpp"

#include "schemas/migrations.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace localca::storage {

namespace {

// A path of this form names an in-memory database shared by every connection of one process
// that opens the same name (see store.cpp, which maps ":memory:" to one per store).
bool is_uri(const std::string& path) {
    return path.rfind("file:", 0) == 0;
}

bool is_memory(const std::string& path) {
    return path == ":memory:" || (is_uri(path) && (path.find("vfs=memdb") != std::string::npos ||
                                                   path.find("mode=memory") != std::string::npos));
}

// Rolls back an explicit transaction unless commit() was reached. Used instead of
// SQLite::Transaction because that class cannot BEGIN IMMEDIATE in every SQLiteCpp version.
class immediate_transaction {
public:
    explicit immediate_transaction(SQLite::Database& db) : m_db(db) {
        m_db.exec("BEGIN IMMEDIATE");
    }
    ~immediate_transaction() {
        if (!m_done && sqlite3_get_autocommit(m_db.getHandle()) == 0) {
            m_db.tryExec("ROLLBACK");
        }
    }
    immediate_transaction(const immediate_transaction&) = delete;
    immediate_transaction& operator=(const immediate_transaction&) = delete;
    void commit() {
        m_db.exec("COMMIT");
        m_done = true;
    }

private:
    SQLite::Database& m_db;
    bool m_done = false;
};

bool has_version_table(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                            "name = 'schema_version'");
    return q.executeStep();
}

// 0 for a database no migration has touched.
int read_version(SQLite::Database& db) {
    if (!has_version_table(db)) {
        return 0;
    }
    SQLite::Statement q(db, "SELECT coalesce(max(version), 0) FROM schema_version");
    q.executeStep();
    return q.getColumn(0).getInt();
}

void refuse_if_too_new(int version) {
    const int known = known_schema_version();
    if (version > known) {
        throw schema_too_new("database schema version " + std::to_string(version) +
                             " is newer than this LocalCA (knows up to " + std::to_string(known) +
                             "); upgrade LocalCA");
    }
}

// PRAGMA journal_mode = WAL, retried while the database is busy. Switching a new database file to
// WAL takes an exclusive lock without calling the busy handler, so two processes creating the
// same database at once (`localca serve` and `localca seed` on a fresh data dir) made the loser
// fail at once with "database is locked" instead of waiting like every other statement does.
std::string enter_wal_mode(SQLite::Database& db, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        try {
            return db.execAndGet("PRAGMA journal_mode = WAL").getString();
        } catch (const SQLite::Exception& e) {
            if ((e.getErrorCode() & 0xff) != SQLITE_BUSY ||
                std::chrono::steady_clock::now() >= deadline) {
                throw;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
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

} // namespace

std::unique_ptr<SQLite::Database> open_connection(const options& opts) {
    configure_sqlite_once();
    const std::string path = opts.path.string();
    const bool memory = is_memory(path);
    const int busy_ms = static_cast<int>(std::clamp<std::chrono::milliseconds::rep>(
        opts.busy_timeout.count(), 0, std::numeric_limits<int>::max()));

    // NOMUTEX: each connection is used by one thread at a time (the writer's by its thread, a
    // reader by the thread that opened it), so SQLite's per-connection mutex would be pure cost.
    // The busy timeout is set by the constructor, before the first statement that may need a lock.
    auto db = std::make_unique<SQLite::Database>(path,
                                                 SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE |
                                                     SQLite::OPEN_NOMUTEX | SQLite::OPEN_URI,
                                                 busy_ms);

    if (!memory) {
        // WAL lets readers run while the writer writes, and makes a commit one sequential append.
        // journal_mode is persistent in the file; on an existing WAL database this is a read.
        const std::string mode = enter_wal_mode(*db, opts.busy_timeout);
        if (mode != "wal") {
            throw std::runtime_error("cannot put " + path + " in WAL mode (journal_mode is " +
                                     mode + "); is it on a file system without shared memory?");
        }
    }
    // FULL: a COMMIT returns only after the WAL is fsynced, so an acknowledged issuance survives a
    // power loss. NORMAL keeps the file consistent but may lose the last commits on power loss.
    db->exec(opts.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    db->exec("PRAGMA foreign_keys = ON");
    if (!memory) {
        db->exec("PRAGMA mmap_size = " +
                 std::to_string(std::max<std::int64_t>(0, opts.mmap_bytes)));
    }
    return db;
}

int known_schema_version() {
    int known = 0;
    for (const auto& m : schemas::all_migrations()) {
        known = std::max(known, m.version);
    }
    return known;
}

int migrate(SQLite::Database& db) {
    // Fast path, without the write lock: an up-to-date database (every start but the first)
    // must not make the server wait for the CLI's transaction, or the other way round.
    int version = read_version(db);
    refuse_if_too_new(version);

    for (const auto& m : schemas::all_migrations()) {
        if (m.version <= version) {
            continue;
        }
        // BEGIN IMMEDIATE takes the write lock before we read the version again, so two processes
        // starting together cannot both apply the same migration: the second waits (busy timeout),
        // then sees the version the first recorded and skips it.
        immediate_transaction tx(db);
        db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        version = read_version(db);
        refuse_if_too_new(version);
        if (m.version <= version) {
            tx.commit();
            continue;
        }
        try {
            db.exec(std::string(m.sql));
        } catch (const SQLite::Exception& e) {
            throw std::runtime_error("migration " + std::string(m.name) + " failed: " + e.what());
        }
        SQLite::Statement record(db, "INSERT INTO schema_version (version) VALUES (?)");
        record.bind(1, m.version);
        record.exec();
        tx.commit();
        version = m.version;
    }
    return version;
}

} // namespace localca::storage
