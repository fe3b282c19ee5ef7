#include "storage/admin/audit_search.hpp"

#include "storage/sql_helpers.hpp"
#include "storage/statement_cache.hpp"

#include <variant>

namespace localca::storage::admin {

std::vector<audit_row> search_audit(SQLite::Database& db, const audit_query& q) {
    std::string where;
    std::vector<std::variant<std::int64_t, std::string>> params;
    auto cond = [&](const char* c, auto v) {
        where += (where.empty() ? " WHERE " : " AND ");
        where += c;
        params.emplace_back(v);
    };
    if (q.actor) cond("actor = ?", *q.actor);
    if (q.action) cond("action = ?", *q.action);
    if (q.outcome) cond("outcome = ?", *q.outcome);
    if (q.cert_sn) cond("cert_sn = ?", *q.cert_sn);
    if (q.from) cond("at >= ?", *q.from);
    if (q.to) cond("at <= ?", *q.to);
    if (q.after_id) cond(q.descending ? "id < ?" : "id > ?", *q.after_id);
    const std::string text = "SELECT id, at, actor, action, cert_sn, subject, source_ip, outcome, "
                             "prev_hash, hash FROM audit" +
                             where + (q.descending ? " ORDER BY id DESC" : " ORDER BY id") +
                             " LIMIT ?";
    cached_statement cached(db, text);
    SQLite::Statement& s = *cached;
    int i = 1;
    for (const auto& p : params) {
        if (const auto* n = std::get_if<std::int64_t>(&p)) {
            s.bind(i++, *n);
        } else {
            s.bind(i++, std::get<std::string>(p));
        }
    }
    s.bind(i, q.limit);
    std::vector<audit_row> out;
    while (s.executeStep()) {
        audit_row r;
        r.id = s.getColumn(0).getInt64();
        r.at = s.getColumn(1).getInt64();
        r.actor = s.getColumn(2).getString();
        r.action = s.getColumn(3).getString();
        r.cert_sn = sql::get_optional_int64(s.getColumn(4));
        r.subject = s.getColumn(5).getString();
        r.source_ip = s.getColumn(6).getString();
        r.outcome = s.getColumn(7).getString();
        r.prev_hash = s.getColumn(8).getString();
        r.hash = s.getColumn(9).getString();
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace localca::storage::admin
