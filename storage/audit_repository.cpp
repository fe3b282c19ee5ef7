#include "storage/audit_repository.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

#include <algorithm>

namespace localca::storage {

namespace {

constexpr const char* k_audit_columns =
    "SELECT id, at, actor, action, cert_sn, subject, source_ip, outcome, prev_hash, hash "
    "FROM audit ";

audit_row read_audit_row(statement& q) {
    audit_row r;
    r.id = q.get_int64(0);
    r.at = q.get_int64(1);
    r.actor = q.get_string(2);
    r.action = q.get_string(3);
    r.cert_sn = q.get_optional_int64(4);
    r.subject = q.get_string(5);
    r.source_ip = q.get_string(6);
    r.outcome = q.get_string(7);
    r.prev_hash = q.get_string(8);
    r.hash = q.get_string(9);
    return r;
}

struct column_type {
    const char* column;
    const char* declared; // typeof() of a well-formed value
    bool nullable;
};

// As declared in schemas/007_audit_strict.sql.
constexpr column_type k_column_types[] = {
    {"id", "integer", false},     {"at", "integer", false},     {"actor", "text", false},
    {"action", "text", false},    {"cert_sn", "integer", true}, {"subject", "text", false},
    {"source_ip", "text", false}, {"outcome", "text", false},   {"prev_hash", "text", false},
    {"hash", "text", false},
};

// One pass over the table: for each row, the first column whose typeof() is not the declared one
// (NULL allowed where the column is nullable), with that typeof().
std::string mistyped_query() {
    std::string column = "CASE";
    std::string stored = "CASE";
    for (const auto& c : k_column_types) {
        const std::string test = std::string(" WHEN typeof(") + c.column + ") NOT IN ('" +
                                 c.declared + "'" + (c.nullable ? ", 'null'" : "") + ")";
        column += test + " THEN '" + c.column + "'";
        stored += test + " THEN typeof(" + c.column + ")";
    }
    column += " END";
    stored += " END";
    return "SELECT id, col, stored FROM (SELECT id, " + column + " AS col, " + stored +
           " AS stored FROM audit) WHERE col IS NOT NULL ORDER BY id LIMIT 1";
}

} // namespace

namespace {

// The cache installed on this thread (the writer's), if any.
thread_local audit_head_cache* t_audit_head_cache = nullptr;

constexpr const char* k_insert_audit_values =
    "INSERT INTO audit (id, at, actor, action, cert_sn, subject, source_ip, outcome, prev_hash, "
    "hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

void bind_audit_row(statement& q, const audit_row& row) {
    q.bind(1, row.id);
    q.bind(2, row.at);
    q.bind(3, row.actor);
    q.bind(4, row.action);
    sql::bind_optional(q, 5, row.cert_sn);
    q.bind(6, row.subject);
    q.bind(7, row.source_ip);
    q.bind(8, row.outcome);
    q.bind(9, row.prev_hash);
    q.bind(10, row.hash);
}

} // namespace

audit_head_cache::audit_head_cache(connection& db) : m_db(db), m_outer(t_audit_head_cache) {
    t_audit_head_cache = this;
}

audit_head_cache::~audit_head_cache() {
    t_audit_head_cache = m_outer;
}

audit_head_cache* audit_head_cache::installed_for(const connection& db) {
    return t_audit_head_cache && &t_audit_head_cache->m_db == &db ? t_audit_head_cache : nullptr;
}

void audit_head_cache::forget() noexcept {
    m_known = false;
    m_head.reset();
    m_served = false;
}

std::optional<audit_row> last_audit_row(connection& db) {
    audit_head_cache* cache = audit_head_cache::installed_for(db);
    if (cache && cache->m_known) {
        cache->m_served = true;
        return cache->m_head;
    }
    statement_handle cached(db, std::string(k_audit_columns) + "ORDER BY id DESC LIMIT 1");
    statement& q = *cached;
    std::optional<audit_row> last;
    if (q.step()) {
        last = read_audit_row(q);
    }
    if (cache) {
        cache->m_known = true;
        cache->m_head = last;
        cache->m_served = false;
    }
    return last;
}

bool insert_audit(connection& db, const audit_row& row) {
    audit_head_cache* cache = audit_head_cache::installed_for(db);
    if (cache && cache->m_served) {
        // Built on the cached last row: the primary key tells whether it still is the last one.
        // The count is needed now (one wait, where the read it replaces was one too).
        statement_handle checked(db, std::string(k_insert_audit_values) +
                                         " ON CONFLICT (id) DO NOTHING");
        bind_audit_row(*checked, row);
        if (checked->exec() == 0) {
            cache->forget();
            return false;
        }
    } else {
        statement_handle plain(db, k_insert_audit_values);
        bind_audit_row(*plain, row);
        plain->exec_later(); // nothing reads its count: PostgreSQL sends it with the next statement
    }
    if (cache) {
        cache->m_known = true;
        cache->m_head = row;
        cache->m_served = false;
    }
    return true;
}

std::vector<audit_row> audit_rows_after(connection& db, std::int64_t after_id, std::int64_t limit) {
    statement_handle cached(db,
                            std::string(k_audit_columns) + "WHERE id > ?1 ORDER BY id LIMIT ?2");
    statement& q = *cached;
    q.bind(1, after_id);
    q.bind(2, limit > 0 ? limit : std::int64_t{-1});
    std::vector<audit_row> rows;
    while (q.step()) {
        rows.push_back(read_audit_row(q));
    }
    return rows;
}

std::vector<audit_row> audit_tail(connection& db, std::int64_t n) {
    statement_handle cached(db, std::string(k_audit_columns) + "ORDER BY id DESC LIMIT ?1");
    statement& q = *cached;
    q.bind(1, n);
    std::vector<audit_row> rows;
    while (q.step()) {
        rows.push_back(read_audit_row(q));
    }
    std::reverse(rows.begin(), rows.end());
    return rows;
}

std::optional<audit_type_mismatch> first_mistyped_audit_row(connection& db) {
    // typeof() is SQLite's: its columns take any type unless the table is STRICT. A PostgreSQL
    // column holds its declared type only, so there is nothing to find.
    if (db.kind() != backend::sqlite) {
        return std::nullopt;
    }
    // Not cached: verification runs it once per call.
    static const std::string sql = mistyped_query();
    const auto q = db.prepare(sql);
    if (!q->step()) {
        return std::nullopt;
    }
    audit_type_mismatch m;
    m.id = q->get_int64(0);
    m.column = q->get_string(1);
    m.stored_type = q->get_string(2);
    for (const auto& c : k_column_types) {
        if (m.column == c.column) {
            m.declared_type = c.declared;
        }
    }
    return m;
}

bool audit_table_is_strict(connection& db) {
    // PostgreSQL types every column strictly.
    if (db.kind() != backend::sqlite) {
        return true;
    }
    // pragma_table_list (SQLite >= 3.37) is the only place SQLite reports STRICT.
    statement_handle q(db, "SELECT strict FROM pragma_table_list WHERE schema = 'main' AND "
                           "name = 'audit'");
    return q->step() && q->get_int64(0) == 1;
}

} // namespace localca::storage
