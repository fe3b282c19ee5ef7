#pragma once
// Read access to the registered tenants: orgs, their API credentials (apps) and devices, for the
// personalities, which never run SQL themselves. All calls block on SQLite: worker threads only.
#include "ca/secret_box.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace localca::ca::enos {

// A device is named by its org plus either its asset id or (product key, device key).
struct device_ref {
    std::string org_id;
    std::optional<std::string> asset_id;
    std::optional<std::string> product_key;
    std::optional<std::string> device_key;

    // True when one of the two forms is complete.
    bool complete() const { return !org_id.empty() && (asset_id || (product_key && device_key)); }
};

struct device_info {
    std::int64_t id = 0;
    std::string org_id;
    std::string product_key;
    std::string device_key;
    std::string asset_id;
    bool bi_directional_auth = false;
    std::int64_t max_valid_day = 0;
    bool disabled = false; // by the EnOS device API (ca/enos/device_management.hpp)
};

struct app_credentials {
    std::string app_key;
    std::string app_secret;
    std::string org_id;
};

class registry {
public:
    // `secrets` (the engine's) opens the sealed app secrets; it must outlive the registry.
    registry(storage::store& store, const secret_box& secrets)
        : m_store(store), m_secrets(secrets) {}

    bool org_exists(const std::string& org_id);
    // With the app secret in clear. Throws secret_box_error naming the app when its stored
    // secret does not open (the database was edited).
    std::optional<app_credentials> find_app(const std::string& app_key);
    // With an asset id, that form wins (product/device keys are then ignored).
    std::optional<device_info> find_device(const device_ref& ref);

private:
    storage::store& m_store;
    const secret_box& m_secrets;
};

} // namespace localca::ca::enos
