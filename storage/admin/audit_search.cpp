#include "storage/admin/audit_search.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

#include <variant>

namespace localca::storage::admin {

std::vector<audit_row> search_audit(connection& db, const audit_query& q) {
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
    statement_handle cached(db, text);
    statement& s = *cached;
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
    while (s.step()) {
        audit_row r;
        r.id = s.get_int64(0);
        r.at = s.get_int64(1);
        r.actor = s.get_string(2);
        r.action = s.get_string(3);
        r.cert_sn = s.get_optional_int64(4);
        r.subject = s.get_string(5);
        r.source_ip = s.get_string(6);
        r.outcome = s.get_string(7);
        r.prev_hash = s.get_string(8);
        r.hash = s.get_string(9);
        out.push_back(std::move(r));
    }
    return out;
}

} // namespace localca::storage::admin
