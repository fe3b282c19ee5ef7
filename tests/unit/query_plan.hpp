#pragma once
// SQLite query plans of the statements a repository function really prepares: the recorder
// captures their SQL text as the connection runs them, query_plan() EXPLAINs that text, so a
// test checks the plan of the very query, not of a copy of it.
#include "storage/connection.hpp"
#include "storage/sqlite_connection.hpp"

#include <sqlite3.h>

#include <string>
#include <vector>

namespace localca::test {

class statement_recorder {
public:
    explicit statement_recorder(storage::connection& db)
        : m_db(dynamic_cast<storage::sqlite_connection&>(db).native_handle()) {
        sqlite3_trace_v2(m_db, SQLITE_TRACE_STMT, &statement_recorder::on_trace, this);
    }
    ~statement_recorder() { sqlite3_trace_v2(m_db, 0, nullptr, nullptr); }
    statement_recorder(const statement_recorder&) = delete;
    statement_recorder& operator=(const statement_recorder&) = delete;
    const std::vector<std::string>& statements() const { return m_statements; }

private:
    static int on_trace(unsigned, void* self, void* stmt, void*) {
        const char* sql = sqlite3_sql(static_cast<sqlite3_stmt*>(stmt));
        static_cast<statement_recorder*>(self)->m_statements.emplace_back(sql ? sql : "");
        return 0;
    }
    sqlite3* m_db;
    std::vector<std::string> m_statements;
};

// One line per plan step ("SEARCH c USING INDEX … (api=?)", "USE TEMP B-TREE FOR ORDER BY").
inline std::string query_plan(storage::connection& db, const std::string& sql) {
    auto q = db.prepare("EXPLAIN QUERY PLAN " + sql);
    std::string plan;
    while (q->step()) {
        plan += q->get_string(3) + "\n";
    }
    return plan;
}

} // namespace localca::test
