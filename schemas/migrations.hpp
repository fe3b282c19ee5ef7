#pragma once
// The numbered SQL migrations in schemas/ (SQLite) and schemas/postgres/, compiled into the binary.
#include <string_view>
#include <vector>

namespace localca::schemas {

struct migration {
    int version;           // NNN of NNN_name.sql
    std::string_view name; // file name, for messages
    std::string_view sql;  // the whole script, applied in one transaction
};

// SQLite's (schemas/NNN_*.sql), in ascending version order.
const std::vector<migration>& all_migrations();

// PostgreSQL's (schemas/postgres/NNN_*.sql), in ascending version order. Versions are on the same
// scale as SQLite's: the first one, 011_initial.sql, creates the state SQLite reaches after 011,
// so a database of either backend at version N has the same tables and columns.
const std::vector<migration>& postgres_migrations();

} // namespace localca::schemas
