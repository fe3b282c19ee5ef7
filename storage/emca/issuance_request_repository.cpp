#include "storage/emca/issuance_request_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"

namespace localca::storage::emca {

namespace {

constexpr const char* k_item_columns =
    "SELECT id, request, \"user\", item_id, profile_id, csr, not_before, validity, status, "
    "cert_sn, decided_at FROM issuance_items ";

issuance_item_row read_item(statement& q) {
    issuance_item_row r;
    r.id = q.get_int64(0);
    r.request = q.get_int64(1);
    r.user = q.get_int64(2);
    r.item_id = q.get_string(3);
    r.profile_id = q.get_string(4);
    r.csr = q.get_blob(5);
    r.not_before = q.get_optional_int64(6);
    r.validity = q.get_int64(7);
    r.status = static_cast<item_status>(q.get_int64(8));
    r.cert_sn = q.get_optional_int64(9);
    r.decided_at = q.get_optional_int64(10);
    return r;
}

std::optional<issuance_item_row> one_item(connection& db, const char* where, std::int64_t key) {
    statement_handle q(db, std::string(k_item_columns) + where);
    q->bind(1, key);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_item(*q);
}

bool decide(connection& db, std::int64_t id, item_status to, std::optional<std::int64_t> sn,
            std::int64_t at) {
    statement_handle q(db, "UPDATE issuance_items SET status = ?2, cert_sn = ?3, decided_at = ?4 "
                           "WHERE id = ?1 AND status = 0");
    q->bind(1, id);
    q->bind(2, static_cast<int>(to));
    sql::bind_optional(*q, 3, sn);
    q->bind(4, at);
    return q->exec() == 1;
}

} // namespace

std::optional<std::string> find_request_response(connection& db, std::int64_t user,
                                                 const std::string& application_id) {
    statement_handle q(db, "SELECT response FROM issuance_requests "
                           "WHERE \"user\" = ?1 AND application_id = ?2");
    q->bind(1, user);
    q->bind(2, application_id);
    if (!q->step()) {
        return std::nullopt;
    }
    return q->get_string(0);
}

std::int64_t insert_request(connection& db, std::int64_t user, const std::string& application_id,
                            std::int64_t created_at, const std::string& response) {
    statement_handle q(db, "INSERT INTO issuance_requests (\"user\", application_id, created_at, "
                           "response) VALUES (?1, ?2, ?3, ?4) RETURNING id");
    q->bind(1, user);
    q->bind(2, application_id);
    q->bind(3, created_at);
    q->bind(4, response);
    return sql::insert_returning_id(*q);
}

void set_request_response(connection& db, std::int64_t request, const std::string& response) {
    statement_handle q(db, "UPDATE issuance_requests SET response = ?2 WHERE id = ?1");
    q->bind(1, request);
    q->bind(2, response);
    q->exec();
}

std::int64_t insert_item(connection& db, const issuance_item_row& row) {
    statement_handle q(db, "INSERT INTO issuance_items (request, \"user\", item_id, profile_id, "
                           "csr, not_before, validity, status, cert_sn, decided_at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id");
    q->bind(1, row.request);
    q->bind(2, row.user);
    q->bind(3, row.item_id);
    q->bind(4, row.profile_id);
    q->bind_blob(5, row.csr);
    sql::bind_optional(*q, 6, row.not_before);
    q->bind(7, row.validity);
    q->bind(8, static_cast<int>(row.status));
    sql::bind_optional(*q, 9, row.cert_sn);
    sql::bind_optional(*q, 10, row.decided_at);
    return sql::insert_returning_id(*q);
}

std::optional<issuance_item_row> find_item(connection& db, std::int64_t id) {
    return one_item(db, "WHERE id = ?1", id);
}

std::optional<issuance_item_row> find_item_by_certificate(connection& db, std::int64_t sn) {
    return one_item(db, "WHERE cert_sn = ?1", sn);
}

std::vector<issuance_item_row> pending_items(connection& db) {
    statement_handle q(db, std::string(k_item_columns) + "WHERE status = 0 ORDER BY id");
    std::vector<issuance_item_row> out;
    while (q->step()) {
        out.push_back(read_item(*q));
    }
    return out;
}

bool mark_item_issued(connection& db, std::int64_t id, std::int64_t sn, std::int64_t at) {
    return decide(db, id, item_status::issued, sn, at);
}

bool mark_item_rejected(connection& db, std::int64_t id, std::int64_t at) {
    return decide(db, id, item_status::rejected, std::nullopt, at);
}

} // namespace localca::storage::emca
