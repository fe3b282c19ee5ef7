#include "storage/admin/token_repository.hpp"

#include "storage/sql_helpers.hpp"
#include "storage/statement_cache.hpp"

namespace localca::storage::admin {

bool insert_token(SQLite::Database& db, const token_row& row) {
    SQLite::Statement q(db, "INSERT INTO admin_tokens (name, role, token_sha256, created_at) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
    q.bind(1, row.name);
    q.bind(2, row.role);
    sql::bind_blob(q, 3, row.token_sha256);
    q.bind(4, row.created_at);
    return q.exec() == 1;
}

std::vector<token_row> list_tokens(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT name, role, created_at FROM admin_tokens ORDER BY name");
    std::vector<token_row> out;
    while (q.executeStep()) {
        token_row r;
        r.name = q.getColumn(0).getString();
        r.role = q.getColumn(1).getString();
        r.created_at = q.getColumn(2).getInt64();
        out.push_back(std::move(r));
    }
    return out;
}

bool delete_token(SQLite::Database& db, const std::string& name) {
    SQLite::Statement q(db, "DELETE FROM admin_tokens WHERE name = ?");
    q.bind(1, name);
    return q.exec() == 1;
}

std::optional<token_row> find_token_by_digest(SQLite::Database& db,
                                              const std::vector<std::uint8_t>& sha256) {
    cached_statement cached(
        db, "SELECT name, role, created_at FROM admin_tokens WHERE token_sha256 = ?");
    SQLite::Statement& q = *cached;
    sql::bind_blob(q, 1, sha256);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    token_row r;
    r.name = q.getColumn(0).getString();
    r.role = q.getColumn(1).getString();
    r.created_at = q.getColumn(2).getInt64();
    r.token_sha256 = sha256;
    return r;
}

} // namespace localca::storage::admin
