#pragma once
// The audit table: an append-only hash chain. Hashing is done by the caller (ca/audit.hpp);
// storage only stores and reads rows in id order.
#include "storage/connection.hpp"

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
std::optional<audit_row> last_audit_row(connection& db);

// Inserts the row with id = row.id (the caller chose it: last id + 1).
void insert_audit(connection& db, const audit_row& row);

// Rows with id > after_id in id order, at most limit (limit <= 0: all).
std::vector<audit_row> audit_rows_after(connection& db, std::int64_t after_id, std::int64_t limit);

// The last n rows, in id order.
std::vector<audit_row> audit_tail(connection& db, std::int64_t n);

// A stored value whose type is not the one schemas/007_audit_strict.sql declares for its column.
// The readers above coerce (the text '1796312471x' reads as the integer 1796312471), so the hash
// chain alone cannot see such an edit; verification asks for this too.
struct audit_type_mismatch {
    std::int64_t id = 0;       // the entry
    std::string column;        // "at"
    std::string stored_type;   // what typeof() says: "text"
    std::string declared_type; // "integer"
};

// The first row in id order holding a mistyped value (its first such column), or nullopt.
// The expected types are the schema's, not the table's current declaration, which someone with
// the file could have changed.
std::optional<audit_type_mismatch> first_mistyped_audit_row(connection& db);

// Whether the audit table is (still) a STRICT table. False if it was rebuilt without STRICT.
bool audit_table_is_strict(connection& db);

} // namespace localca::storage
