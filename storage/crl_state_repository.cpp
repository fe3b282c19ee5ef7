#include "storage/crl_state_repository.hpp"

#include "storage/connection.hpp"

#include <stdexcept>

namespace localca::storage {

crl_state read_crl_state(connection& db, const std::string& authority) {
    statement_handle q(db, "SELECT revocations, crl_revocations, crl_number, "
                           "coalesce(crl_this_update, 0) FROM authorities WHERE name = ?");
    q->bind(1, authority);
    if (!q->step()) {
        throw std::logic_error("no authority named '" + authority + "'");
    }
    crl_state s;
    s.revocations = q->get_int64(0);
    s.crl_revocations = q->get_int64(1);
    s.crl_number = q->get_int64(2);
    s.crl_this_update = q->get_int64(3);
    return s;
}

void count_revocations(connection& db, const std::string& authority, std::int64_t count) {
    statement_handle q(db, "UPDATE authorities SET revocations = revocations + ? WHERE name = ?");
    q->bind(1, count);
    q->bind(2, authority);
    // A revocation whose counter is not bumped would never reach a CRL: refuse it.
    if (q->exec() != 1) {
        throw std::logic_error("no authority named '" + authority + "'");
    }
}

bool store_next_crl(connection& db, const std::string& authority, std::int64_t crl_number,
                    std::int64_t this_update, std::int64_t built_from_revocations) {
    if (crl_number <= 0) {
        throw std::invalid_argument("store_next_crl: CRL numbers start at 1");
    }
    statement_handle q(db, "UPDATE authorities SET crl_number = ?, crl_der = NULL, "
                           "crl_this_update = ?, crl_revocations = ? "
                           "WHERE name = ? AND crl_number = ?");
    q->bind(1, crl_number);
    q->bind(2, this_update);
    q->bind(3, built_from_revocations);
    q->bind(4, authority);
    q->bind(5, crl_number - 1);
    return q->exec() == 1;
}

std::vector<std::uint8_t> stored_crl(connection& db, const std::string& authority) {
    statement_handle q(db, "SELECT crl_der FROM authorities WHERE name = ?");
    q->bind(1, authority);
    if (!q->step()) {
        throw std::logic_error("no authority named '" + authority + "'");
    }
    return q->get_blob(0);
}

std::unique_ptr<connection> open_crl_archive(const options& opts) {
    options archive = opts;
    if (opts.backend == backend::sqlite) {
        const auto path = opts.path.string();
        // An in-memory store (tests): a private in-memory archive, like any other memory one.
        if (path.empty() || path == ":memory:" || path.find("vfs=memdb") != std::string::npos ||
            path.find("mode=memory") != std::string::npos) {
            archive.path = ":memory:";
        } else {
            archive.path = opts.path.parent_path() / (opts.path.stem().string() + "-crls.db");
        }
    }
    auto db = open_connection(archive);
    if (db->kind() == backend::sqlite) {
        // Without an fsync per CRL: a lost entry only costs a rebuild (see the top of the
        // header), and WAL keeps the file consistent after a crash either way.
        db->exec_script("PRAGMA synchronous = NORMAL");
    }
    // Not a numbered migration: a cache of signed bytes that nothing migrates and any node
    // rebuilds (the same statement is valid on both backends).
    const char* create = "CREATE TABLE IF NOT EXISTS crl_archive ("
                         "authority TEXT NOT NULL, crl_number BIGINT NOT NULL, "
                         "this_update BIGINT NOT NULL, built_from BIGINT NOT NULL, "
                         "der BYTEA NOT NULL, PRIMARY KEY (authority, crl_number))";
    if (db->kind() == backend::sqlite) {
        db->exec_script(create);
        return db;
    }
    // On PostgreSQL, IF NOT EXISTS does not hold against a concurrent create: nodes starting
    // together both pass the check and one fails on pg_type's unique index. Under the writers'
    // lock the second waits, then finds the table. Only when it is missing, so that an open
    // never waits for a writer's transaction on a database that has it.
    bool present = false;
    {
        statement_handle q(*db, "SELECT CASE WHEN to_regclass('crl_archive') IS NULL THEN 0 "
                                "ELSE 1 END");
        present = q->step() && q->get_int64(0) == 1;
    }
    if (present) {
        return db;
    }
    db->begin_write();
    try {
        db->exec_script(create);
        db->commit();
    } catch (...) {
        db->rollback();
        throw;
    }
    return db;
}

void put_crl_der(connection& archive, const std::string& authority, std::int64_t crl_number,
                 std::int64_t this_update, std::int64_t built_from_revocations,
                 const std::vector<std::uint8_t>& der) {
    if (der.empty()) {
        throw std::invalid_argument("put_crl_der: empty CRL");
    }
    statement_handle q(archive,
                       "INSERT INTO crl_archive (authority, crl_number, this_update, built_from, "
                       "der) VALUES (?, ?, ?, ?, ?) ON CONFLICT (authority, crl_number) DO UPDATE "
                       "SET this_update = excluded.this_update, built_from = excluded.built_from, "
                       "der = excluded.der");
    q->bind(1, authority);
    q->bind(2, crl_number);
    q->bind(3, this_update);
    q->bind(4, built_from_revocations);
    q->bind_blob(5, der);
    q->exec();
}

std::optional<std::vector<std::uint8_t>>
find_crl_der(connection& archive, const std::string& authority, const crl_state& s) {
    statement_handle q(archive, "SELECT der FROM crl_archive WHERE authority = ? AND "
                                "crl_number = ? AND this_update = ? AND built_from = ?");
    q->bind(1, authority);
    q->bind(2, s.crl_number);
    q->bind(3, s.crl_this_update);
    q->bind(4, s.crl_revocations);
    if (!q->step()) {
        return std::nullopt;
    }
    return q->get_blob(0);
}

void prune_crl_der(connection& archive, const std::string& authority, std::int64_t crl_number) {
    statement_handle q(archive, "DELETE FROM crl_archive WHERE authority = ? AND crl_number < ?");
    q->bind(1, authority);
    q->bind(2, crl_number);
    q->exec();
}

} // namespace localca::storage
