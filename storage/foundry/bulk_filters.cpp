#include "storage/foundry/bulk_filters.hpp"

#include "storage/connection.hpp"

namespace localca::storage::foundry {

namespace {

filter_key text_key(std::string name, std::string sql) {
    return {std::move(name), [sql = std::move(sql)](const std::string& v) {
                return v.empty() ? std::nullopt : std::optional(sql_condition{sql, v});
            }};
}

} // namespace

void add_bulk_filters(bulk_filters& filters) {
    filters.add(text_key("accountId", "c.sn IN (SELECT m.sn FROM managed_certificates m JOIN "
                                      "accounts a ON a.id = m.account WHERE a.account_id = ?)"));
    filters.add(text_key("deviceId", "c.sn IN (SELECT m.sn FROM managed_certificates m JOIN "
                                     "account_devices d ON d.id = m.device WHERE d.device_id = ?)"));
    filters.add_hook([](connection& db, std::int64_t sn) {
        statement_handle deactivate(
            db, "UPDATE managed_certificates SET active = 0, device = NULL WHERE sn = ?");
        deactivate->bind(1, sn);
        deactivate->exec();
        statement_handle topics(db, "DELETE FROM managed_certificate_topics WHERE sn = ?");
        topics->bind(1, sn);
        topics->exec();
    });
}

} // namespace localca::storage::foundry
