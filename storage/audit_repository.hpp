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
// On a connection with an audit_head_cache (the writer's), answered from the cache when it holds
// the row this connection last appended or read.
std::optional<audit_row> last_audit_row(connection& db);

// Inserts the row with id = row.id (the caller chose it: last id + 1) and returns true. Returns
// false, writing nothing, only when row was built on a last row answered from the cache and
// another appender (a node on the same PostgreSQL, a CLI process on the same SQLite file) has
// taken row.id since: the cache is then forgotten, and the caller reads last_audit_row() again
// and builds the row anew.
bool insert_audit(connection& db, const audit_row& row);

// The single writer's copy of the chain's last row, so that an append does not read it back
// (one statement per issuance on PostgreSQL). Installed for one connection on the constructing
// thread, until destroyed.
//
// Why it is safe with several appenders: ids are consecutive (each append is last id + 1, made
// under the writer lock), so if anyone appended after the cached row, the id after it is taken;
// the insert of a row built on the cache is then refused by the primary key (ON CONFLICT DO
// NOTHING, no error that would abort the transaction) and insert_audit() says so. The cache holds
// only rows the connection read or wrote; the owner must call forget() whenever its writes may
// not become durable (any rollback, a failed COMMIT) and after anything that can shorten the chain
// (a lab restore replacing the database).
class audit_head_cache {
public:
    explicit audit_head_cache(connection& db);
    ~audit_head_cache();
    audit_head_cache(const audit_head_cache&) = delete;
    audit_head_cache& operator=(const audit_head_cache&) = delete;

    void forget() noexcept;

private:
    friend std::optional<audit_row> last_audit_row(connection& db);
    friend bool insert_audit(connection& db, const audit_row& row);

    // The cache installed on this thread if it is db's, else nullptr.
    static audit_head_cache* installed_for(const connection& db);

    connection& m_db;
    audit_head_cache* m_outer; // the cache this one hides while installed
    bool m_known = false;      // m_head is the chain's last row (nullopt: the log is empty)
    std::optional<audit_row> m_head;
    bool m_served = false; // the latest last_audit_row() on m_db was answered from the cache
};

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
