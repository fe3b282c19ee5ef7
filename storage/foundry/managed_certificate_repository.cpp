#include "storage/foundry/managed_certificate_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"

namespace localca::storage::foundry {

namespace {

void insert_topics(connection& db, std::int64_t sn, const std::vector<std::string>& topics) {
    statement_handle q(db, "INSERT INTO managed_certificate_topics (sn, position, filter) "
                           "VALUES (?, ?, ?)");
    for (std::size_t i = 0; i < topics.size(); ++i) {
        q->bind(1, sn);
        q->bind(2, static_cast<std::int64_t>(i));
        q->bind(3, topics[i]);
        q->exec();
        q->reset();
    }
}

std::vector<std::string> topics_of(connection& db, std::int64_t sn) {
    statement_handle q(db, "SELECT filter FROM managed_certificate_topics WHERE sn = ? "
                           "ORDER BY position");
    q->bind(1, sn);
    std::vector<std::string> topics;
    while (q->step()) {
        topics.push_back(q->get_string(0));
    }
    return topics;
}

} // namespace

void insert_managed_certificate(connection& db, std::int64_t sn, std::int64_t account,
                                const std::string& cert_id, bool active,
                                const std::vector<std::string>& topics) {
    statement_handle q(db, "INSERT INTO managed_certificates (sn, account, cert_id, active) "
                           "VALUES (?, ?, ?, ?)");
    q->bind(1, sn);
    q->bind(2, account);
    q->bind(3, cert_id);
    q->bind(4, active ? 1 : 0);
    q->exec();
    insert_topics(db, sn, topics);
}

std::optional<managed_certificate_row>
find_managed_certificate(connection& db, std::int64_t account, const std::string& cert_id) {
    statement_handle q(db, "SELECT m.sn, m.account, m.cert_id, m.active, m.device, d.device_id, "
                           "c.status, c.not_before, c.not_after, c.subject_cn, c.der "
                           "FROM managed_certificates m JOIN certificates c ON c.sn = m.sn "
                           "LEFT JOIN account_devices d ON d.id = m.device "
                           "WHERE m.cert_id = ? AND m.account = ?");
    q->bind(1, cert_id);
    q->bind(2, account);
    if (!q->step()) {
        return std::nullopt;
    }
    managed_certificate_row r;
    r.sn = q->get_int64(0);
    r.account = q->get_int64(1);
    r.cert_id = q->get_string(2);
    r.active = q->get_int64(3) != 0;
    r.device = q->get_optional_int64(4);
    r.device_id = q->get_optional_string(5);
    r.revoked = q->get_int64(6) != 0;
    r.not_before = q->get_int64(7);
    r.not_after = q->get_int64(8);
    r.subject_cn = q->get_optional_string(9);
    r.der = q->get_blob(10);
    r.topics = topics_of(db, r.sn);
    return r;
}

bool device_has_certificate(connection& db, std::int64_t device) {
    statement_handle q(db, "SELECT 1 FROM managed_certificates WHERE device = ? LIMIT 1");
    q->bind(1, device);
    return q->step();
}

void update_managed_certificate(connection& db, std::int64_t sn, bool active,
                                std::optional<std::int64_t> device,
                                const std::vector<std::string>& topics) {
    statement_handle q(db, "UPDATE managed_certificates SET active = ?, device = ? WHERE sn = ?");
    q->bind(1, active ? 1 : 0);
    sql::bind_optional(*q, 2, device);
    q->bind(3, sn);
    q->exec();
    statement_handle del(db, "DELETE FROM managed_certificate_topics WHERE sn = ?");
    del->bind(1, sn);
    del->exec();
    insert_topics(db, sn, topics);
}

std::vector<topic_grant> active_topic_grants(connection& db, std::int64_t now) {
    statement_handle q(db, "SELECT c.subject_cn, t.filter FROM managed_certificates m "
                           "JOIN certificates c ON c.sn = m.sn "
                           "JOIN managed_certificate_topics t ON t.sn = m.sn "
                           "WHERE m.active = 1 AND c.status = 0 AND c.not_after > ? "
                           "AND c.subject_cn IS NOT NULL "
                           "ORDER BY c.subject_cn, t.filter");
    q->bind(1, now);
    std::vector<topic_grant> grants;
    while (q->step()) {
        grants.push_back(topic_grant{q->get_string(0), q->get_string(1)});
    }
    return grants;
}

} // namespace localca::storage::foundry
