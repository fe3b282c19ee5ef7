#include "storage/audit_repository.hpp"

#include "storage/sql_helpers.hpp"
#include "storage/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>

namespace localca::storage {

namespace {

constexpr const char* k_columns =
    "SELECT id, at, actor, action, cert_sn, subject, source_ip, outcome, prev_hash, hash "
    "FROM audit ";

audit_row read_row(SQLite::Statement& q) {
    audit_row r;
    r.id = q.getColumn(0).getInt64();
    r.at = q.getColumn(1).getInt64();
    r.actor = q.getColumn(2).getString();
    r.action = q.getColumn(3).getString();
    r.cert_sn = sql::get_optional_int64(q.getColumn(4));
    r.subject = q.getColumn(5).getString();
    r.source_ip = q.getColumn(6).getString();
    r.outcome = q.getColumn(7).getString();
    r.prev_hash = q.getColumn(8).getString();
    r.hash = q.getColumn(9).getString();
    return r;
}

struct column_type {
    const char* column;
    const char* declared; // typeof() of a well-formed value
    bool nullable;
};

// As declared in schemas/007_audit_strict.sql.
constexpr column_type k_column_types[] = {
    {"id", "integer", false},      {"at", "integer", false},      {"actor", "text", false},
    {"action", "text", false},     {"cert_sn", "integer", true},  {"subject", "text", false},
    {"source_ip", "text", false},  {"outcome", "text", false},    {"prev_hash", "text", false},
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

std::optional<audit_row> last_audit_row(SQLite::Database& db) {
    cached_statement cached(db, std::string(k_columns) + "ORDER BY id DESC LIMIT 1");
    SQLite::Statement& q = *cached;
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_row(q);
}

void insert_audit(SQLite::Database& db, const audit_row& row) {
    cached_statement cached(db, "INSERT INTO audit (id, at, actor, action, cert_sn, subject, "
                                "source_ip, outcome, prev_hash, hash) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    SQLite::Statement& q = *cached;
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
    q.exec();
}

std::vector<audit_row> audit_rows_after(SQLite::Database& db, std::int64_t after_id,
                                        std::int64_t limit) {
    cached_statement cached(db, std::string(k_columns) + "WHERE id > ?1 ORDER BY id LIMIT ?2");
    SQLite::Statement& q = *cached;
    q.bind(1, after_id);
    q.bind(2, limit > 0 ? limit : std::int64_t{-1});
    std::vector<audit_row> rows;
    while (q.executeStep()) {
        rows.push_back(read_row(q));
    }
    return rows;
}

std::vector<audit_row> audit_tail(SQLite::Database& db, std::int64_t n) {
    cached_statement cached(db, std::string(k_columns) + "ORDER BY id DESC LIMIT ?1");
    SQLite::Statement& q = *cached;
    q.bind(1, n);
    std::vector<audit_row> rows;
    while (q.executeStep()) {
        rows.push_back(read_row(q));
    }
    std::reverse(rows.begin(), rows.end());
    return rows;
}

std::optional<audit_type_mismatch> first_mistyped_audit_row(SQLite::Database& db) {
    // Not cached: verification runs it once per call.
    static const std::string sql = mistyped_query();
    SQLite::Statement q(db, sql);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    audit_type_mismatch m;
    m.id = q.getColumn(0).getInt64();
    m.column = q.getColumn(1).getString();
    m.stored_type = q.getColumn(2).getString();
    for (const auto& c : k_column_types) {
        if (m.column == c.column) {
            m.declared_type = c.declared;
        }
    }
    return m;
}

bool audit_table_is_strict(SQLite::Database& db) {
    // pragma_table_list (SQLite >= 3.37) is the only place SQLite reports STRICT.
    SQLite::Statement q(db, "SELECT strict FROM pragma_table_list WHERE schema = 'main' AND "
                            "name = 'audit'");
    return q.executeStep() && q.getColumn(0).getInt() == 1;
}

} // namespace localca::storage
