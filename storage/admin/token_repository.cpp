#include "storage/admin/token_repository.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

namespace localca::storage::admin {

bool insert_token(connection& db, const token_row& row) {
    statement_handle q(db, "INSERT INTO admin_tokens (name, role, token_sha256, created_at) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING");
    q->bind(1, row.name);
    q->bind(2, row.role);
    q->bind_blob(3, row.token_sha256);
    q->bind(4, row.created_at);
    return q->exec() == 1;
}

std::vector<token_row> list_tokens(connection& db) {
    statement_handle q(db, "SELECT name, role, created_at FROM admin_tokens ORDER BY name");
    std::vector<token_row> out;
    while (q->step()) {
        token_row r;
        r.name = q->get_string(0);
        r.role = q->get_string(1);
        r.created_at = q->get_int64(2);
        out.push_back(std::move(r));
    }
    return out;
}

bool delete_token(connection& db, const std::string& name) {
    statement_handle q(db, "DELETE FROM admin_tokens WHERE name = ?");
    q->bind(1, name);
    return q->exec() == 1;
}

std::optional<token_row> find_token_by_digest(connection& db,
                                              const std::vector<std::uint8_t>& sha256) {
    statement_handle cached(
        db, "SELECT name, role, created_at FROM admin_tokens WHERE token_sha256 = ?");
    statement& q = *cached;
    q.bind_blob(1, sha256);
    if (!q.step()) {
        return std::nullopt;
    }
    token_row r;
    r.name = q.get_string(0);
    r.role = q.get_string(1);
    r.created_at = q.get_int64(2);
    r.token_sha256 = sha256;
    return r;
}

} // namespace localca::storage::admin
