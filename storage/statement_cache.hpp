#pragma once
// Prepared statements reused across calls on the connections the store owns.
//
// Why: preparing a statement (parse + plan) was ~8 % of the server's instructions per issued
// certificate, for a handful of fixed SQL strings run on every request. Repositories keep their
// `SQLite::Database&` signatures; a connection opts in with attach_statement_cache() and then
// cached_statement hands out its prepared statement for an SQL text instead of preparing it again.
// On any other connection (tests, CLI tools) cached_statement simply prepares a fresh one.
//
// A connection and its statements are used by one thread at a time (the store's per-thread
// readers, the writer thread), so the cache of a connection needs no lock of its own.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <string>

namespace localca::storage {

// Starts caching statements for db. Call detach_statement_cache() before db is closed.
void attach_statement_cache(SQLite::Database& db);
// Finalizes db's cached statements (a connection with live statements cannot close cleanly).
void detach_statement_cache(SQLite::Database& db);

// The prepared statement for sql on db, for the lifetime of this object. On destruction it is
// reset and its bindings cleared: a SELECT left mid-result would keep its read snapshot (and
// with it an old view of the WAL) open until the next use.
class cached_statement {
public:
    cached_statement(SQLite::Database& db, const std::string& sql);
    ~cached_statement();

    cached_statement(const cached_statement&) = delete;
    cached_statement& operator=(const cached_statement&) = delete;

    SQLite::Statement& operator*() { return *m_statement; }
    SQLite::Statement* operator->() { return m_statement; }

private:
    SQLite::Statement* m_statement = nullptr;
    bool* m_in_use = nullptr;                 // the cache entry's flag, when from the cache
    std::optional<SQLite::Statement> m_fresh; // when not from the cache
};

} // namespace localca::storage
