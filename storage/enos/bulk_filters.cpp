#include "storage/enos/bulk_filters.hpp"

namespace localca::storage::enos {

namespace {

filter_key text_key(std::string name, std::string sql) {
    return {std::move(name), [sql = std::move(sql)](const std::string& v) {
                return v.empty() ? std::nullopt : std::optional(sql_condition{sql, v});
            }};
}

} // namespace

void add_bulk_filters(bulk_filters& filters) {
    // Several keys combine with AND: orgId + productKey selects that product of that org.
    filters.add(text_key("orgId", "c.device IN (SELECT d.id FROM devices d JOIN orgs o "
                                  "ON o.id = d.org WHERE o.org_id = ?)"));
    filters.add(text_key("productKey", "c.device IN (SELECT d.id FROM devices d JOIN products p "
                                       "ON p.id = d.product WHERE p.product_key = ?)"));
    filters.add(text_key("deviceKey", "c.device IN (SELECT id FROM devices WHERE device_key = ?)"));
}

} // namespace localca::storage::enos
