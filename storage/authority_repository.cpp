#include "storage/authority_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"

#include <stdexcept>

namespace localca::storage {

namespace {

// No CRL yet is stored as NULL (the column's meaning), not as an empty blob.
void bind_crl(statement& q, int der_index, int this_update_index,
              const std::vector<std::uint8_t>& crl_der, std::int64_t this_update) {
    if (crl_der.empty()) {
        q.bind_null(der_index);
        q.bind_null(this_update_index);
    } else {
        q.bind_blob(der_index, crl_der);
        q.bind(this_update_index, this_update);
    }
}

} // namespace

void insert_authority(connection& db, const authority_row& row) {
    statement_handle q(db, "INSERT INTO authorities (name, cert_der, crl_number, crl_der, "
                           "crl_this_update) VALUES (?, ?, ?, ?, ?) "
                           "ON CONFLICT (name) DO NOTHING");
    q->bind(1, row.name);
    q->bind_blob(2, row.cert_der);
    q->bind(3, row.crl_number);
    bind_crl(*q, 4, 5, row.crl_der, row.crl_this_update);
    q->exec();
}

std::optional<authority_row> find_authority(connection& db, const std::string& name) {
    statement_handle q(db, "SELECT name, cert_der, crl_number, crl_der, "
                           "coalesce(crl_this_update, 0) FROM authorities WHERE name = ?");
    q->bind(1, name);
    if (!q->step()) {
        return std::nullopt;
    }
    authority_row r;
    r.name = q->get_string(0);
    r.cert_der = q->get_blob(1);
    r.crl_number = q->get_int64(2);
    r.crl_der = q->get_blob(3);
    r.crl_this_update = q->get_int64(4);
    return r;
}

void update_crl(connection& db, const std::string& name, std::int64_t crl_number,
                const std::vector<std::uint8_t>& crl_der, std::int64_t this_update) {
    statement_handle q(db, "UPDATE authorities SET crl_number = ?, crl_der = ?, "
                           "crl_this_update = ? WHERE name = ?");
    q->bind(1, crl_number);
    bind_crl(*q, 2, 3, crl_der, this_update);
    q->bind(4, name);
    // The authorities are created by init before anything can revoke: a missing one is a bug, and
    // silently dropping a CRL would leave revocations unpublished.
    if (q->exec() != 1) {
        throw std::logic_error("update_crl: no authority named '" + name + "'");
    }
}

std::int64_t count_authorities(connection& db) {
    return sql::query_int64(db, "SELECT count(*) FROM authorities");
}

} // namespace localca::storage
