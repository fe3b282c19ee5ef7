#pragma once
// The audit table: an append-only hash chain. Hashing is done by the caller (ca/audit.hpp);
// storage only stores and reads rows in id order.
#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage {

struct audit_row {
    std::int64_t id = 0;
    std::int64_t at = 0; // unix seconds
    std::string actor;
    std::string action;
    std::optional<std::int64_t> cert_sn;
    std::string subject;
    std::string source_ip;
    std::string outcome;
    std::string prev_hash;
    std::string hash;
};

// The last row (highest id), or nullopt for an empty log. Call inside the writing transaction.
std::optional<audit_row> last_audit_row(SQLite::Database& db);

// Inserts the row with id = row.id (the caller chose it: last id + 1).
void insert_audit(SQLite::Database& db, const audit_row& row);

// Rows with id > after_id in id order, at most limit (limit <= 0: all).
std::vector<audit_row> audit_rows_after(SQLite::Database& db, std::int64_t after_id,
                                        std::int64_t limit);

// The last n rows, in id order.
std::vector<audit_row> audit_tail(SQLite::Database& db, std::int64_t n);

} // namespace localca::storage
