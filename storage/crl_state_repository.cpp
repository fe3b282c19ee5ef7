#include "storage/crl_state_repository.hpp"

#include "storage/connection.hpp"

#include <stdexcept>

namespace localca::storage {

crl_state read_crl_state(connection& db, const std::string& authority) {
    statement_handle q(db, "SELECT revocations, crl_revocations, crl_number, "
                           "coalesce(crl_this_update, 0) FROM authorities WHERE name = ?");
    q->bind(1, authority);
    if (!q->step()) {
        throw std::logic_error("no authority named '" + authority + "'");
    }
    crl_state s;
    s.revocations = q->get_int64(0);
    s.crl_revocations = q->get_int64(1);
    s.crl_number = q->get_int64(2);
    s.crl_this_update = q->get_int64(3);
    return s;
}

void count_revocations(connection& db, const std::string& authority, std::int64_t count) {
    statement_handle q(db, "UPDATE authorities SET revocations = revocations + ? WHERE name = ?");
    q->bind(1, count);
    q->bind(2, authority);
    // A revocation whose counter is not bumped would never reach a CRL: refuse it.
    if (q->exec() != 1) {
        throw std::logic_error("no authority named '" + authority + "'");
    }
}

bool store_next_crl(connection& db, const std::string& authority, std::int64_t crl_number,
                    const std::vector<std::uint8_t>& crl_der, std::int64_t this_update,
                    std::int64_t built_from_revocations) {
    if (crl_der.empty()) {
        throw std::invalid_argument("store_next_crl: empty CRL");
    }
    statement_handle q(db, "UPDATE authorities SET crl_number = ?, crl_der = ?, "
                           "crl_this_update = ?, crl_revocations = ? "
                           "WHERE name = ? AND crl_number = ?");
    q->bind(1, crl_number);
    q->bind_blob(2, crl_der);
    q->bind(3, this_update);
    q->bind(4, built_from_revocations);
    q->bind(5, authority);
    q->bind(6, crl_number - 1);
    return q->exec() == 1;
}

std::vector<std::uint8_t> stored_crl(connection& db, const std::string& authority) {
    statement_handle q(db, "SELECT crl_der FROM authorities WHERE name = ?");
    q->bind(1, authority);
    if (!q->step()) {
        throw std::logic_error("no authority named '" + authority + "'");
    }
    return q->get_blob(0);
}

} // namespace localca::storage
