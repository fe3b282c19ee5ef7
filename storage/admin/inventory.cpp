#include "storage/admin/inventory.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

#include <cctype>
#include <map>
#include <variant>

namespace localca::storage::admin {

namespace {

constexpr const char* k_select =
    "SELECT c.sn, c.authority, coalesce(c.api, 'pki'), c.profile, c.status, c.subject_der, "
    "c.subject_cn, c.not_before, c.not_after, c.revoked_at, c.revocation_reason FROM "
    "certificates c";

using param = std::variant<std::int64_t, std::string>;

// One row without its owner (see with_owners).
inventory_row read_row_only(statement& s) {
    inventory_row r;
    r.sn = s.get_int64(0);
    r.authority = s.get_string(1);
    r.api = s.get_string(2);
    r.profile = s.get_string(3);
    r.status = s.get_int64(4);
    r.subject_der = s.get_blob(5);
    r.cn = s.get_optional_string(6);
    r.not_before = s.get_int64(7);
    r.not_after = s.get_int64(8);
    r.revoked_at = s.get_optional_int64(9);
    if (!s.is_null(10)) {
        r.reason = s.get_int64(10);
    }
    return r;
}

// The rows' owners, one lookup per api of the page (owner_registry::owners_of): on PostgreSQL a
// row-by-row lookup was a round trip per row, most of an export's time.
void with_owners(connection& db, const owner_registry& owners, std::vector<inventory_row>& rows) {
    std::map<std::string, std::vector<std::int64_t>> by_api;
    for (const auto& r : rows) {
        by_api[r.api].push_back(r.sn);
    }
    for (const auto& [api, sns] : by_api) {
        auto found = owners.owners_of(db, api, sns);
        for (auto& r : rows) {
            if (r.api != api) {
                continue;
            }
            if (auto it = found.find(r.sn); it != found.end()) {
                r.owner = std::move(it->second);
            }
        }
    }
}

// The smallest string greater than every string starting with p (for a prefix range that the
// CN index serves; LIKE would not use it for arbitrary text). Empty = no upper bound.
std::string prefix_end(std::string p) {
    while (!p.empty()) {
        auto& last = reinterpret_cast<unsigned char&>(p.back());
        if (last < 0xff) {
            ++last;
            return p;
        }
        p.pop_back();
    }
    return p;
}

// `api=X&sort=notAfter` on SQLite: above this many rows of the api, walk certificates_not_after
// (not_after, api) and skip the other apis' entries in the index itself; at or below it, take the
// api's rows from certificates_api and sort them. The sort reads every row of the api (about
// 6 ms per 50,000 at 1,000,000 rows); the walk reads the index entries before the page, which
// depends on where the api's notAfter values lie, not on its size (docs/performance.md).
constexpr std::int64_t k_inventory_sort_max_rows = 50000;

// Rows of one api, from certificate_counts (schema 14): a prefix range of its primary key, a few
// thousand rows at most, against the certificates table's million.
std::int64_t inventory_api_rows(connection& db, const std::string& api) {
    statement_handle q(db, "SELECT coalesce(sum(n), 0) FROM certificate_counts WHERE api = ?");
    q->bind(1, api);
    return q->step() ? q->get_int64(0) : 0;
}

// PostgreSQL plans `c.x IN (SELECT …) OR c.y IN (SELECT …)` (a filter served by two vendors, e.g.
// `device`) as hashed subplans filtering a walk of every row: 1.3 s at 1,000,000 rows. Written
// `c.x = ANY(ARRAY(SELECT …))`, each subquery runs once and the condition is an index condition,
// so the two become one BitmapOr of their indexes. Conditions of another form are kept as they
// are. (SQLite's planner serves the OR of two IN terms from their indexes by itself.)
std::string inventory_pg_any_condition(const std::string& c) {
    static const std::string in = " IN (";
    const auto at = c.find(in);
    if (c.rfind("c.", 0) != 0 || at == std::string::npos || c.back() != ')') {
        return c;
    }
    for (std::size_t i = 2; i < at; ++i) {
        if (!(std::isalnum(static_cast<unsigned char>(c[i])) || c[i] == '_')) {
            return c;
        }
    }
    const auto sub = c.substr(at + in.size(), c.size() - at - in.size() - 1);
    return c.substr(0, at) + " = ANY(ARRAY(" + sub + "))";
}

} // namespace

std::vector<inventory_row> list_certificates(connection& db, const owner_registry& owners,
                                             const certificate_query& q) {
    std::string where;
    std::vector<param> params;
    auto cond = [&](const std::string& c) { where += (where.empty() ? " WHERE " : " AND ") + c; };
    if (q.authority) {
        // Two values, each about half of the table: the page order's own walk finds a page of
        // matches at once. On SQLite, whose planner has no statistics here, the unary + keeps it
        // from seeking into an index led by authority and sorting what it finds: with
        // `status=revoked&sort=notAfter`, certificates_revoked (authority, sn) would sort half
        // of the revoked rows per page, where certificates_revoked_not_after walks them in page
        // order (schemas/018). PostgreSQL's planner has statistics.
        cond(db.kind() == backend::sqlite ? "+c.authority = ?" : "c.authority = ?");
        params.emplace_back(*q.authority);
    }
    if (q.api) {
        // No index is ordered by (api, notAfter): one more index would cost every issuance
        // (schemas/016). SQLite's planner has no statistics to choose between walking notAfter
        // and sorting the api's rows, so the api's size chooses (the unary + keeps the walk off
        // certificates_api); PostgreSQL's planner has them and sees `api = ?` as a condition on
        // the index's third column. Revoked rows always walk: certificates_revoked_not_after
        // holds them alone and names the api in its entries (schemas/018), where a seek into
        // certificates_revoked_api would sort every revoked row of the api per page.
        const bool revoked = q.status && *q.status == status_filter::revoked;
        const bool walk = db.kind() == backend::sqlite && q.sort == sort_key::not_after &&
                          (revoked || inventory_api_rows(db, *q.api) > k_inventory_sort_max_rows);
        cond(walk ? "+c.api = ?" : "c.api = ?");
        params.emplace_back(*q.api);
    }
    if (q.profile) {
        cond("c.profile = ?");
        params.emplace_back(*q.profile);
    }
    if (q.cn_prefix && !q.cn_prefix->empty()) {
        cond("c.subject_cn >= ?");
        params.emplace_back(*q.cn_prefix);
        if (auto end = prefix_end(*q.cn_prefix); !end.empty()) {
            cond("c.subject_cn < ?");
            params.emplace_back(end);
        }
    }
    if (q.serial) {
        cond("c.sn = ?");
        params.emplace_back(*q.serial);
    }
    if (q.status) {
        switch (*q.status) {
        case status_filter::revoked:
            cond("c.status = 1");
            break;
        case status_filter::valid:
            cond("c.status = 0 AND c.not_after > ?");
            params.emplace_back(q.now);
            break;
        case status_filter::expired:
            cond("c.status = 0 AND c.not_after <= ?");
            params.emplace_back(q.now);
            break;
        }
    }
    auto range = [&](const std::optional<std::int64_t>& v, const char* c) {
        if (v) {
            cond(c);
            params.emplace_back(*v);
        }
    };
    range(q.expires_before, "c.not_after < ?");
    range(q.expires_after, "c.not_after > ?");
    range(q.issued_after, "c.not_before > ?");
    range(q.issued_before, "c.not_before < ?");
    for (const auto& [name, value] : q.owner_filters) {
        const auto sources = owners.conditions(name);
        std::string any;
        const bool rewrite = sources.size() > 1 && db.kind() == backend::postgres;
        for (const auto& s : sources) {
            any += (any.empty() ? "(" : " OR ") + (rewrite ? inventory_pg_any_condition(s) : s);
            params.emplace_back(value);
        }
        if (!any.empty()) {
            cond(any + ")");
        }
    }
    const char* op = q.descending ? "<" : ">";
    const char* dir = q.descending ? " DESC" : "";
    std::string order;
    if (q.sort == sort_key::issued) {
        if (q.after) {
            cond(std::string("c.sn ") + op + " ?");
            params.emplace_back(q.after->second);
        }
        order = std::string(" ORDER BY c.sn") + dir;
    } else {
        if (q.after) {
            cond(std::string("(c.not_after, c.sn) ") + op + " (?, ?)");
            params.emplace_back(q.after->first);
            params.emplace_back(q.after->second);
        }
        order = std::string(" ORDER BY c.not_after") + dir + ", c.sn" + dir;
    }
    const std::string text = std::string(k_select) + where + order + " LIMIT ?";
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
    std::vector<inventory_row> out;
    while (s.step()) {
        out.push_back(read_row_only(s));
        out.back().key = q.sort == sort_key::issued ? out.back().sn : out.back().not_after;
    }
    with_owners(db, owners, out);
    return out;
}

std::optional<inventory_row> find_inventory_row(connection& db, const owner_registry& owners,
                                                std::int64_t sn) {
    statement_handle cached(db, std::string(k_select) + " WHERE c.sn = ?");
    statement& s = *cached;
    s.bind(1, sn);
    if (!s.step()) {
        return std::nullopt;
    }
    auto r = read_row_only(s);
    r.owner = owners.owner_of(db, r.api, r.sn);
    return r;
}

} // namespace localca::storage::admin
