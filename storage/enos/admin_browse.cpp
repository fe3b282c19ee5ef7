#include "storage/enos/admin_browse.hpp"

namespace localca::storage::enos {

using admin::browse_kind;

// orgs -> products -> devices. A device's certificates are the inventory's
// (/admin/v1/certificates?org=&product=&device=), so only their count is here. Counts are
// correlated sub-queries on indexed columns (products(org, …), devices(product, …),
// certificates_device): a page of 100 rows costs 100 small index lookups, no scan.
std::vector<admin::browse_source> admin_browse() {
    std::vector<admin::browse_source> out;
    {
        admin::browse_source s;
        s.route = "enos/orgs";
        s.key_sql = "o.id";
        s.from_sql = "FROM orgs o";
        s.columns = {
            {"orgId", "o.org_id", browse_kind::text},
            {"products", "(SELECT count(*) FROM products p WHERE p.org = o.id)",
             browse_kind::integer},
            {"devices", "(SELECT count(*) FROM devices d WHERE d.org = o.id)",
             browse_kind::integer},
        };
        out.push_back(std::move(s));
    }
    {
        admin::browse_source s;
        s.route = "enos/orgs/{org}/products";
        s.key_sql = "p.id";
        s.from_sql = "FROM products p JOIN orgs o ON o.id = p.org";
        s.scopes = {{"org", "o.org_id = ?"}};
        s.scope_exists_sql = "SELECT 1 FROM orgs WHERE org_id = ?";
        s.columns = {
            {"productKey", "p.product_key", browse_kind::text},
            {"biDirectionalAuth", "p.bi_directional_auth", browse_kind::boolean},
            {"maxValidDay", "p.max_valid_day", browse_kind::integer},
            {"devices", "(SELECT count(*) FROM devices d WHERE d.product = p.id)",
             browse_kind::integer},
        };
        out.push_back(std::move(s));
    }
    {
        admin::browse_source s;
        s.route = "enos/orgs/{org}/products/{product}/devices";
        s.key_sql = "d.id";
        s.from_sql = "FROM devices d JOIN orgs o ON o.id = d.org "
                     "JOIN products p ON p.id = d.product "
                     "LEFT JOIN enos_devices e ON e.device = d.id";
        s.scopes = {{"org", "o.org_id = ?"}, {"product", "p.product_key = ?"}};
        s.scope_exists_sql = "SELECT 1 FROM products p JOIN orgs o ON o.id = p.org "
                             "WHERE o.org_id = ? AND p.product_key = ?";
        s.columns = {
            {"deviceKey", "d.device_key", browse_kind::text},
            {"assetId", "d.asset_id", browse_kind::text},
            // LEFT JOIN: a devices row without its enos_devices row (written by a repository
            // that predates migration 008) still lists, with a null name.
            {"name", "e.name", browse_kind::text},
            {"disabled", "COALESCE(e.disabled, 0)", browse_kind::boolean},
            {"certificates", "(SELECT count(*) FROM certificates c WHERE c.device = d.id)",
             browse_kind::integer},
        };
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace localca::storage::enos
