#pragma once
// Private to storage/: binding and reading helpers shared by the repositories, and the upsert
// pattern that reports real changes only (so seeding twice can say "nothing changed").
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace localca::storage::sql {

// sqlite3_bind_blob with a null pointer binds NULL, and an empty vector's data() may be null:
// bind a zero-length blob from a valid address instead, so that "empty" stays "empty".
inline void bind_blob(SQLite::Statement& q, int index, const std::vector<std::uint8_t>& bytes) {
    static const std::uint8_t empty = 0;
    q.bind(index, bytes.empty() ? static_cast<const void*>(&empty) : bytes.data(),
           static_cast<int>(bytes.size()));
}

inline std::vector<std::uint8_t> get_blob(const SQLite::Column& c) {
    const auto* p = static_cast<const std::uint8_t*>(c.getBlob());
    return p ? std::vector<std::uint8_t>(p, p + c.getBytes()) : std::vector<std::uint8_t>{};
}

template <typename T>
void bind_optional(SQLite::Statement& q, int index, const std::optional<T>& v) {
    if (v) {
        q.bind(index, static_cast<std::int64_t>(*v));
    } else {
        q.bind(index);
    }
}

inline void bind_optional(SQLite::Statement& q, int index, const std::optional<std::string>& v) {
    if (v) {
        q.bind(index, *v);
    } else {
        q.bind(index);
    }
}

inline std::optional<std::int64_t> get_optional_int64(const SQLite::Column& c) {
    return c.isNull() ? std::nullopt : std::optional<std::int64_t>(c.getInt64());
}

inline std::optional<std::string> get_optional_string(const SQLite::Column& c) {
    return c.isNull() ? std::nullopt : std::optional<std::string>(c.getString());
}

// Runs an upsert written as INSERT ... ON CONFLICT (natural key) DO NOTHING, or DO UPDATE ...
// WHERE <some column differs>, RETURNING id. SQLite returns a row only when the statement inserted
// or really modified one, which is exactly "changed"; otherwise the existing id is looked up by
// find_sql (the row exists: the insert conflicted). One statement, so it is race-free even when a
// caller (the CLI) runs it outside an explicit transaction.
template <typename BindAll, typename BindKey>
std::int64_t upsert(SQLite::Database& db, const char* upsert_sql, BindAll bind_all,
                    const char* find_sql, BindKey bind_key, bool* changed) {
    std::int64_t id = 0;
    bool wrote = false;
    {
        SQLite::Statement q(db, upsert_sql);
        bind_all(q);
        if (q.executeStep()) {
            id = q.getColumn(0).getInt64();
            wrote = true;
            while (q.executeStep()) {
            }
        }
    }
    if (!wrote) {
        SQLite::Statement q(db, find_sql);
        bind_key(q);
        if (!q.executeStep()) {
            throw std::logic_error(std::string("upsert found no row after a conflict: ") +
                                   find_sql);
        }
        id = q.getColumn(0).getInt64();
    }
    if (changed) {
        *changed = wrote;
    }
    return id;
}

} // namespace localca::storage::sql
