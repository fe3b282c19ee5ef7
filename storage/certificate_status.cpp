#include "storage/certificate_status.hpp"

#include "storage/statement_cache.hpp"

#include <SQLiteCpp/Statement.h>

namespace localca::storage {

std::optional<certificate_state> find_certificate_state(SQLite::Database& db, std::int64_t sn) {
    cached_statement cached(db, "SELECT authority, status, revoked_at, revocation_reason "
                                "FROM certificates WHERE sn = ?");
    SQLite::Statement& q = *cached;
    q.bind(1, sn);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    certificate_state s;
    s.authority = q.getColumn(0).getString();
    s.revoked = q.getColumn(1).getInt() == 1; // certificate_status::revoked
    if (s.revoked) {
        s.revoked_at = q.getColumn(2).isNull() ? 0 : q.getColumn(2).getInt64();
        s.reason = q.getColumn(3).isNull() ? 0 : q.getColumn(3).getInt();
    }
    return s;
}

} // namespace localca::storage
