#include "storage/foundry/managed_certificate_repository.hpp"

#include "storage/sql_helpers.hpp"

#include <SQLiteCpp/Statement.h>

namespace localca::storage::foundry {

namespace {

void insert_topics(SQLite::Database& db, std::int64_t sn, const std::vector<std::string>& topics) {
    SQLite::Statement q(db, "INSERT INTO managed_certificate_topics (sn, position, filter) "
                            "VALUES (?, ?, ?)");
    for (std::size_t i = 0; i < topics.size(); ++i) {
        q.bind(1, sn);
        q.bind(2, static_cast<std::int64_t>(i));
        q.bind(3, topics[i]);
        q.exec();
        q.reset();
    }
}

std::vector<std::string> topics_of(SQLite::Database& db, std::int64_t sn) {
    SQLite::Statement q(db, "SELECT filter FROM managed_certificate_topics WHERE sn = ? "
                            "ORDER BY position");
    q.bind(1, sn);
    std::vector<std::string> topics;
    while (q.executeStep()) {
        topics.push_back(q.getColumn(0).getString());
    }
    return topics;
}

} // namespace

void insert_managed_certificate(SQLite::Database& db, std::int64_t sn, std::int64_t account,
                                const std::string& cert_id, bool active,
                                const std::vector<std::string>& topics) {
    SQLite::Statement q(db, "INSERT INTO managed_certificates (sn, account, cert_id, active) "
                            "VALUES (?, ?, ?, ?)");
    q.bind(1, sn);
    q.bind(2, account);
    q.bind(3, cert_id);
    q.bind(4, active ? 1 : 0);
    q.exec();
    insert_topics(db, sn, topics);
}

std::optional<managed_certificate_row>
find_managed_certificate(SQLite::Database& db, std::int64_t account, const std::string& cert_id) {
    SQLite::Statement q(db, "SELECT m.sn, m.account, m.cert_id, m.active, m.device, d.device_id, "
                            "c.status, c.not_before, c.not_after, c.subject_cn, c.der "
                            "FROM managed_certificates m JOIN certificates c ON c.sn = m.sn "
                            "LEFT JOIN account_devices d ON d.id = m.device "
                            "WHERE m.cert_id = ? AND m.account = ?");
    q.bind(1, cert_id);
    q.bind(2, account);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    managed_certificate_row r;
    r.sn = q.getColumn(0).getInt64();
    r.account = q.getColumn(1).getInt64();
    r.cert_id = q.getColumn(2).getString();
    r.active = q.getColumn(3).getInt() != 0;
    r.device = sql::get_optional_int64(q.getColumn(4));
    r.device_id = sql::get_optional_string(q.getColumn(5));
    r.revoked = q.getColumn(6).getInt() != 0;
    r.not_before = q.getColumn(7).getInt64();
    r.not_after = q.getColumn(8).getInt64();
    r.subject_cn = sql::get_optional_string(q.getColumn(9));
    r.der = sql::get_blob(q.getColumn(10));
    r.topics = topics_of(db, r.sn);
    return r;
}

void update_managed_certificate(SQLite::Database& db, std::int64_t sn, bool active,
                                std::optional<std::int64_t> device,
                                const std::vector<std::string>& topics) {
    SQLite::Statement q(db, "UPDATE managed_certificates SET active = ?, device = ? WHERE sn = ?");
    q.bind(1, active ? 1 : 0);
    sql::bind_optional(q, 2, device);
    q.bind(3, sn);
    q.exec();
    SQLite::Statement del(db, "DELETE FROM managed_certificate_topics WHERE sn = ?");
    del.bind(1, sn);
    del.exec();
    insert_topics(db, sn, topics);
}

std::vector<topic_grant> active_topic_grants(SQLite::Database& db, std::int64_t now) {
    SQLite::Statement q(db, "SELECT c.subject_cn, t.filter FROM managed_certificates m "
                            "JOIN certificates c ON c.sn = m.sn "
                            "JOIN managed_certificate_topics t ON t.sn = m.sn "
                            "WHERE m.active = 1 AND c.status = 0 AND c.not_after > ? "
                            "AND c.subject_cn IS NOT NULL "
                            "ORDER BY c.subject_cn, t.filter");
    q.bind(1, now);
    std::vector<topic_grant> grants;
    while (q.executeStep()) {
        grants.push_back(topic_grant{q.getColumn(0).getString(), q.getColumn(1).getString()});
    }
    return grants;
}

} // namespace localca::storage::foundry
