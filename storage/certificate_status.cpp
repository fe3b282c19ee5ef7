#include "storage/certificate_status.hpp"

#include "storage/connection.hpp"

namespace localca::storage {

std::optional<certificate_state> find_certificate_state(connection& db, std::int64_t sn) {
    statement_handle cached(db, "SELECT authority, status, revoked_at, revocation_reason "
                                "FROM certificates WHERE sn = ?");
    statement& q = *cached;
    q.bind(1, sn);
    if (!q.step()) {
        return std::nullopt;
    }
    certificate_state s;
    s.authority = q.get_string(0);
    s.revoked = q.get_int64(1) == 1; // certificate_status::revoked
    if (s.revoked) {
        s.revoked_at = q.is_null(2) ? 0 : q.get_int64(2);
        s.reason = q.is_null(3) ? 0 : q.get_int64(3);
    }
    return s;
}

} // namespace localca::storage
