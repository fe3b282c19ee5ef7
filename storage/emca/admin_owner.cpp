#include "storage/emca/admin_owner.hpp"

namespace localca::storage::emca {

// An emCA certificate was issued for one item of a registered API user's request.
admin::owner_source admin_owner() {
    admin::owner_source s;
    s.api = "emca";
    s.fields = {"user"};
    s.lookup_sql = "SELECT u.user_name FROM issuance_items i JOIN api_users u ON u.id = i.\"user\" "
                   "WHERE i.cert_sn = ?";
    s.filters["user"] = "c.sn IN (SELECT i.cert_sn FROM issuance_items i JOIN api_users u "
                        "ON u.id = i.\"user\" WHERE u.user_name = ? AND i.cert_sn IS NOT NULL)";
    return s;
}

} // namespace localca::storage::emca
