#include "ca/enos/registry.hpp"

#include "ca/enos/app_secret.hpp"

#include "storage/enos/device_repository.hpp"
#include "storage/enos/tenant_repository.hpp"

namespace localca::ca::enos {

bool registry::org_exists(const std::string& org_id) {
    return storage::enos::find_org(m_store.reader(), org_id).has_value();
}

std::optional<app_credentials> registry::find_app(const std::string& app_key) {
    auto& db = m_store.reader();
    const auto app = storage::enos::find_app(db, app_key);
    if (!app) {
        return std::nullopt;
    }
    const auto org = storage::enos::find_org_by_id(db, app->org);
    if (!org) {
        return std::nullopt;
    }
    // One AES-GCM open of a few dozen bytes next to the SQL reads above: no cache, which would
    // need invalidating when `localca seed` (another process) changes the secret.
    return app_credentials{
        app->app_key,
        open_text(m_secrets, app->app_secret_sealed, app_secret_context(app->app_key)),
        org->org_id};
}

std::optional<device_info> registry::find_device(const device_ref& ref) {
    auto& db = m_store.reader();
    const auto org = storage::enos::find_org(db, ref.org_id);
    if (!org) {
        return std::nullopt;
    }
    std::optional<storage::enos::device_row> dev;
    if (ref.asset_id) {
        dev = storage::enos::find_device_by_asset(db, org->id, *ref.asset_id);
    } else if (ref.product_key && ref.device_key) {
        dev = storage::enos::find_device_by_key(db, org->id, *ref.product_key, *ref.device_key);
    }
    if (!dev) {
        return std::nullopt;
    }
    const auto product = storage::enos::find_product_by_id(db, dev->product);
    if (!product) {
        return std::nullopt;
    }
    return device_info{dev->id,
                       org->org_id,
                       product->product_key,
                       dev->device_key,
                       dev->asset_id,
                       product->bi_directional_auth,
                       product->max_valid_day,
                       storage::enos::device_disabled(db, dev->id)};
}

} // namespace localca::ca::enos
