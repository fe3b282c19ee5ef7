#include "ca/enos/registry.hpp"

#include "ca/enos/app_secret.hpp"

#include "storage/enos/identity_lookup.hpp"
#include "storage/enos/tenant_repository.hpp"

namespace localca::ca::enos {

bool registry::org_exists(const std::string& org_id) {
    return storage::enos::find_org(m_store.reader(), org_id).has_value();
}

std::optional<app_credentials> registry::find_app(const std::string& app_key) {
    // One statement for the app and its org: this runs for every authenticated request.
    const auto found = storage::enos::find_app_with_org(m_store.reader(), app_key);
    if (!found) {
        return std::nullopt;
    }
    // One AES-GCM open of a few dozen bytes next to the SQL read above: no cache, which would
    // need invalidating when `localca seed` (another process) changes the secret.
    return app_credentials{
        found->app.app_key,
        open_text(m_secrets, found->app.app_secret_sealed, app_secret_context(found->app.app_key)),
        found->org_id};
}

std::optional<device_info> registry::find_device(const device_ref& ref) {
    // One statement (org, device, product and disabled state joined) instead of four: every
    // certificate call makes it.
    auto& db = m_store.reader();
    std::optional<storage::enos::device_identity> dev;
    if (ref.asset_id) {
        dev = storage::enos::find_device_identity_by_asset(db, ref.org_id, *ref.asset_id);
    } else if (ref.product_key && ref.device_key) {
        dev = storage::enos::find_device_identity_by_key(db, ref.org_id, *ref.product_key,
                                                         *ref.device_key);
    }
    if (!dev) {
        return std::nullopt;
    }
    return device_info{dev->device.id,
                       dev->org_id,
                       dev->product.product_key,
                       dev->device.device_key,
                       dev->device.asset_id,
                       dev->product.bi_directional_auth,
                       dev->product.max_valid_day,
                       dev->disabled};
}

} // namespace localca::ca::enos
