#include "storage/admin/browse.hpp"

#include <charconv>
#include <stdexcept>

namespace localca::storage::admin {

namespace {

void bind_browse_key(statement& q, int index, browse_kind kind, const std::string& key) {
    if (kind != browse_kind::integer) {
        q.bind(index, key);
        return;
    }
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), v);
    if (ec != std::errc() || p != key.data() + key.size()) {
        throw std::invalid_argument("not an integer key: " + key);
    }
    q.bind(index, v);
}

browse_cell read_browse_cell(const statement& q, int column, browse_kind kind) {
    if (q.is_null(column)) {
        return std::monostate{};
    }
    switch (kind) {
    case browse_kind::integer:
        return q.get_int64(column);
    case browse_kind::boolean:
        return q.get_int64(column) != 0;
    case browse_kind::text:
        break;
    }
    return q.get_string(column);
}

} // namespace

bool browse_scope_exists(connection& db, const browse_source& source,
                         const std::vector<std::string>& scope_values) {
    if (source.scope_exists_sql.empty()) {
        return true;
    }
    statement_handle q(db, source.scope_exists_sql);
    for (std::size_t i = 0; i < scope_values.size(); ++i) {
        q->bind(static_cast<int>(i + 1), scope_values[i]);
    }
    return q->step();
}

std::vector<browse_row> browse(connection& db, const browse_source& source, const browse_query& q) {
    // The key is the first column read, then the source's columns; the text is built from the
    // source's fixed fragments only (values are bound), so it stays one cached statement per
    // (source, conditions used).
    std::string sql = "SELECT " + source.key_sql;
    for (const auto& c : source.columns) {
        sql += ", " + c.sql;
    }
    sql += " " + source.from_sql;
    const char* glue = " WHERE ";
    for (const auto& [condition, value] : q.conditions) {
        sql += glue + condition;
        glue = " AND ";
    }
    if (q.after) {
        sql += glue + source.key_sql + " > ?";
    }
    sql += " ORDER BY " + source.key_sql + " LIMIT ?";

    std::vector<browse_row> rows;
    {
        statement_handle st(db, sql);
        int index = 1;
        for (const auto& [condition, value] : q.conditions) {
            st->bind(index++, value);
        }
        if (q.after) {
            bind_browse_key(*st, index++, source.key_kind, *q.after);
        }
        st->bind(index, static_cast<std::int64_t>(q.limit));
        while (st->step()) {
            browse_row r;
            r.key = source.key_kind == browse_kind::integer ? std::to_string(st->get_int64(0))
                                                            : st->get_string(0);
            for (std::size_t i = 0; i < source.columns.size(); ++i) {
                r.cells.push_back(
                    read_browse_cell(*st, static_cast<int>(i + 1), source.columns[i].kind));
            }
            rows.push_back(std::move(r));
        }
    }
    // Lists after the page's statement is done: one small indexed query per row and list (a page
    // is at most 1000 rows), in the dialect both backends share (no string aggregation).
    for (auto& r : rows) {
        for (const auto& [name, list_sql] : source.lists) {
            statement_handle st(db, list_sql);
            bind_browse_key(*st, 1, source.key_kind, r.key);
            std::vector<std::string> values;
            while (st->step()) {
                values.push_back(st->get_string(0));
            }
            r.lists.push_back(std::move(values));
        }
    }
    return rows;
}

} // namespace localca::storage::admin
