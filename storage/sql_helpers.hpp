#pragma once
// Private to storage/ (and its tests): binding and reading helpers shared by the repositories,
// and the upsert pattern that reports real changes only (so seeding twice can say "nothing
// changed").
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace localca::storage::sql {

template <typename T> void bind_optional(statement& q, int index, const std::optional<T>& v) {
    if (v) {
        q.bind(index, static_cast<std::int64_t>(*v));
    } else {
        q.bind_null(index);
    }
}

inline void bind_optional(statement& q, int index, const std::optional<std::string>& v) {
    if (v) {
        q.bind(index, *v);
    } else {
        q.bind_null(index);
    }
}

// The first column of the first row of a query that always returns one (count(*), max(...)).
inline std::int64_t query_int64(connection& db, std::string_view sql) {
    statement_handle q(db, sql);
    if (!q->step()) {
        throw std::logic_error("no row from: " + std::string(sql));
    }
    return q->get_int64(0);
}

inline std::string query_string(connection& db, std::string_view sql) {
    statement_handle q(db, sql);
    if (!q->step()) {
        throw std::logic_error("no row from: " + std::string(sql));
    }
    return q->get_string(0);
}

// Runs an INSERT ... RETURNING id (the portable spelling of last_insert_rowid()) and returns the
// id.
inline std::int64_t insert_returning_id(statement& q) {
    if (!q.step()) {
        throw std::logic_error("INSERT ... RETURNING gave no row");
    }
    const std::int64_t id = q.get_int64(0);
    while (q.step()) {
    }
    return id;
}

// Whether a table exists. The catalogue is each backend's own: SQLite's sqlite_master,
// PostgreSQL's information_schema (tables of the connection's current schema).
inline bool table_exists(connection& db, std::string_view name) {
    statement_handle q(db, db.kind() == backend::sqlite
                               ? "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
                               : "SELECT 1 FROM information_schema.tables WHERE "
                                 "table_schema = current_schema() AND table_name = ?");
    q->bind(1, name);
    return q->step();
}

// Runs an upsert written as INSERT ... ON CONFLICT (natural key) DO NOTHING, or DO UPDATE ...
// WHERE <some column differs>, RETURNING id. The database returns a row only when the statement
// inserted or really modified one, which is exactly "changed"; otherwise the existing id is looked
// up by find_sql (the row exists: the insert conflicted). One statement, so it is race-free even
// when a caller (the CLI) runs it outside an explicit transaction.
template <typename BindAll, typename BindKey>
std::int64_t upsert(connection& db, const char* upsert_sql, BindAll bind_all, const char* find_sql,
                    BindKey bind_key, bool* changed) {
    std::int64_t id = 0;
    bool wrote = false;
    {
        statement_handle q(db, upsert_sql);
        bind_all(*q);
        if (q->step()) {
            id = q->get_int64(0);
            wrote = true;
            while (q->step()) {
            }
        }
    }
    if (!wrote) {
        statement_handle q(db, find_sql);
        bind_key(*q);
        if (!q->step()) {
            throw std::logic_error(std::string("upsert found no row after a conflict: ") +
                                   find_sql);
        }
        id = q->get_int64(0);
    }
    if (changed) {
        *changed = wrote;
    }
    return id;
}

} // namespace localca::storage::sql
