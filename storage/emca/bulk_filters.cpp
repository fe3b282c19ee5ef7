#include "storage/emca/bulk_filters.hpp"

namespace localca::storage::emca {

namespace {

filter_key text_key(std::string name, std::string sql) {
    return {std::move(name), [sql = std::move(sql)](const std::string& v) {
                return v.empty() ? std::nullopt : std::optional(sql_condition{sql, v});
            }};
}

} // namespace

void add_bulk_filters(bulk_filters& filters) {
    filters.add(text_key("userName", "c.sn IN (SELECT i.cert_sn FROM issuance_items i JOIN "
                                     "api_users u ON u.id = i.\"user\" WHERE u.user_name = ?)"));
    filters.add(text_key("profileId",
                         "c.sn IN (SELECT cert_sn FROM issuance_items WHERE profile_id = ?)"));
    // emCA keeps no state of its own about a revoked certificate: no hook.
}

} // namespace localca::storage::emca
