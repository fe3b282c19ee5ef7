#include "storage/database.hpp"

#include "schemas/migrations.hpp"
#include "storage/sql_helpers.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace localca::storage {

namespace {

// Rolls back an explicit write transaction unless commit() was reached.
class write_transaction {
public:
    explicit write_transaction(connection& db) : m_db(db) { m_db.begin_write(); }
    ~write_transaction() {
        if (!m_done && m_db.in_transaction()) {
            try {
                m_db.rollback();
            } catch (...) {
                // The transaction is gone either way; the original error is what matters.
            }
        }
    }
    write_transaction(const write_transaction&) = delete;
    write_transaction& operator=(const write_transaction&) = delete;
    void commit() {
        m_db.commit();
        m_done = true;
    }

private:
    connection& m_db;
    bool m_done = false;
};

// 0 for a database no migration has touched.
int read_version(connection& db) {
    if (!sql::table_exists(db, "schema_version")) {
        return 0;
    }
    statement_handle q(db, "SELECT coalesce(max(version), 0) FROM schema_version");
    q->step();
    return static_cast<int>(q->get_int64(0));
}

void refuse_if_too_new(int version) {
    const int known = known_schema_version();
    if (version > known) {
        throw schema_too_new("database schema version " + std::to_string(version) +
                             " is newer than this LocalCA (knows up to " + std::to_string(known) +
                             "); upgrade LocalCA");
    }
}

// Each backend has its own numbered set, on one version scale (schemas/migrations.hpp).
const std::vector<schemas::migration>& migrations_for(const connection& db) {
    return db.kind() == backend::postgres ? schemas::postgres_migrations()
                                          : schemas::all_migrations();
}

} // namespace

int known_schema_version() {
    int known = 0;
    for (const auto& m : schemas::all_migrations()) {
        known = std::max(known, m.version);
    }
    return known;
}

int migrate(connection& db) {
    // Fast path, without the write lock: an up-to-date database (every start but the first)
    // must not make the server wait for the CLI's transaction, or the other way round.
    int version = read_version(db);
    refuse_if_too_new(version);

    for (const auto& m : migrations_for(db)) {
        if (m.version <= version) {
            continue;
        }
        // begin_write() takes the write lock (SQLite BEGIN IMMEDIATE, PostgreSQL the writers'
        // advisory lock) before we read the version again, so two processes or nodes starting
        // together cannot both apply the same migration: the second waits, then sees the version
        // the first recorded and skips it.
        write_transaction tx(db);
        db.exec_script("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        version = read_version(db);
        refuse_if_too_new(version);
        if (m.version <= version) {
            tx.commit();
            continue;
        }
        try {
            db.exec_script(std::string(m.sql));
        } catch (const database_error& e) {
            throw std::runtime_error("migration " + std::string(m.name) + " failed: " + e.what());
        }
        statement_handle record(db, "INSERT INTO schema_version (version) VALUES (?)");
        record->bind(1, m.version);
        record->exec();
        tx.commit();
        version = m.version;
    }
    return version;
}

} // namespace localca::storage
