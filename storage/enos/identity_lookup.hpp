#pragma once
// The identity reads of one EnOS request, each answered by one statement: the calling app with
// its org (authentication), and the named device with its org, product and disabled state (every
// certificate and device call). On PostgreSQL each statement is a round trip and a full executor
// pass in the server's backend; these replace six single-table reads (docs/scale-out.md, "Speed").
// Same results as the single-table reads they join (tenant_repository.hpp, device_repository.hpp).
#include "storage/enos/tenant_repository.hpp"

#include "storage/connection.hpp"

#include <optional>
#include <string>

namespace localca::storage::enos {

struct app_with_org {
    app_row app;
    std::string org_id; // orgs.org_id of app.org
};

// The app with this key and its org's public id; nullopt when either is missing.
std::optional<app_with_org> find_app_with_org(connection& db, const std::string& app_key);

struct device_identity {
    device_row device;
    std::string org_id; // the org the device was looked up in
    product_row product;
    bool disabled = false; // enos_devices.disabled; false without a row (find device_disabled)
};

// The device of org `org_id` (its public id) with this asset id, as find_org +
// find_device_by_asset + find_product_by_id + device_disabled would give it.
std::optional<device_identity> find_device_identity_by_asset(connection& db,
                                                             const std::string& org_id,
                                                             const std::string& asset_id);

// The device whose product (of org `org_id`) has this product key, with this device key, as
// find_org + find_device_by_key + find_product_by_id + device_disabled would give it.
std::optional<device_identity> find_device_identity_by_key(connection& db,
                                                           const std::string& org_id,
                                                           const std::string& product_key,
                                                           const std::string& device_key);

} // namespace localca::storage::enos
