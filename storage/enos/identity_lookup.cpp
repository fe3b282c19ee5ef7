#include "storage/enos/identity_lookup.hpp"

#include "storage/connection.hpp"
#include "storage/enos/row_readers.hpp"

namespace localca::storage::enos {

namespace {

// The columns of device_identity. The org is joined through the device (asset form) or through
// the product (key form), as the single-table lookups did; products and orgs are joined, not left
// joined, because the foreign keys make them exist (and a missing one was "not found" before).
constexpr const char* k_identity_columns =
    "SELECT d.id, d.org, d.product, d.device_key, d.asset_id, o.org_id, p.id, p.org, "
    "p.product_key, p.bi_directional_auth, p.max_valid_day, coalesce(e.disabled, 0) ";

std::optional<device_identity> read_identity_row(statement& q) {
    if (!q.step()) {
        return std::nullopt;
    }
    device_identity r;
    r.device = read_device_row(q, 0);
    r.org_id = q.get_string(5);
    r.product = read_product_row(q, 6);
    r.disabled = q.get_int64(11) != 0;
    return r;
}

} // namespace

std::optional<app_with_org> find_app_with_org(connection& db, const std::string& app_key) {
    statement_handle q(db, "SELECT a.id, a.org, a.app_key, a.app_secret_sealed, o.org_id "
                           "FROM apps a JOIN orgs o ON o.id = a.org WHERE a.app_key = ?");
    q->bind(1, app_key);
    if (!q->step()) {
        return std::nullopt;
    }
    return app_with_org{app_row{q->get_int64(0), q->get_int64(1), q->get_string(2), q->get_blob(3)},
                        q->get_string(4)};
}

std::optional<device_identity> find_device_identity_by_asset(connection& db,
                                                             const std::string& org_id,
                                                             const std::string& asset_id) {
    statement_handle q(db, std::string(k_identity_columns) +
                               "FROM orgs o JOIN devices d ON d.org = o.id "
                               "JOIN products p ON p.id = d.product "
                               "LEFT JOIN enos_devices e ON e.device = d.id "
                               "WHERE o.org_id = ? AND d.asset_id = ?");
    q->bind(1, org_id);
    q->bind(2, asset_id);
    return read_identity_row(*q);
}

std::optional<device_identity> find_device_identity_by_key(connection& db,
                                                           const std::string& org_id,
                                                           const std::string& product_key,
                                                           const std::string& device_key) {
    // The product key is unique within its org only, hence the join through (org, product_key).
    statement_handle q(db, std::string(k_identity_columns) +
                               "FROM orgs o JOIN products p ON p.org = o.id "
                               "JOIN devices d ON d.product = p.id "
                               "LEFT JOIN enos_devices e ON e.device = d.id "
                               "WHERE o.org_id = ? AND p.product_key = ? AND d.device_key = ?");
    q->bind(1, org_id);
    q->bind(2, product_key);
    q->bind(3, device_key);
    return read_identity_row(*q);
}

} // namespace localca::storage::enos
