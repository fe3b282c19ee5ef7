#include "storage/enos/admin_owner.hpp"

namespace localca::storage::enos {

// An EnOS certificate is bound to a device (certificates.device), which names its product and
// org. The filters go through certificates_device (device, sn), so an owner filter with the
// default certSN order reads only its own certificates.
admin::owner_source admin_owner() {
    admin::owner_source s;
    s.api = "enos";
    s.fields = {"org", "product", "device"};
    s.lookup_sql = "SELECT o.org_id, p.product_key, d.device_key FROM certificates c "
                   "JOIN devices d ON d.id = c.device JOIN products p ON p.id = d.product "
                   "JOIN orgs o ON o.id = d.org WHERE c.sn = ?";
    s.filters["org"] = "c.device IN (SELECT d.id FROM devices d JOIN orgs o ON o.id = d.org "
                       "WHERE o.org_id = ?)";
    s.filters["product"] = "c.device IN (SELECT d.id FROM devices d JOIN products p "
                           "ON p.id = d.product WHERE p.product_key = ?)";
    s.filters["device"] = "c.device IN (SELECT d.id FROM devices d WHERE d.device_key = ?)";
    return s;
}

} // namespace localca::storage::enos
