#include "storage/foundry/admin_owner.hpp"

namespace localca::storage::foundry {

// A Foundry certificate belongs to an account and may be associated with one of its devices.
admin::owner_source admin_owner() {
    admin::owner_source s;
    s.api = "foundry";
    s.fields = {"account", "device"};
    s.lookup_sql = "SELECT a.account_id, ad.device_id FROM managed_certificates m "
                   "JOIN accounts a ON a.id = m.account "
                   "LEFT JOIN account_devices ad ON ad.id = m.device WHERE m.sn = ?";
    s.filters["account"] = "c.sn IN (SELECT m.sn FROM managed_certificates m JOIN accounts a "
                           "ON a.id = m.account WHERE a.account_id = ?)";
    s.filters["device"] = "c.sn IN (SELECT m.sn FROM managed_certificates m JOIN account_devices "
                          "ad ON ad.id = m.device WHERE ad.device_id = ?)";
    return s;
}

} // namespace localca::storage::foundry
