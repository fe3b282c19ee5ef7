#pragma once
// The EnOS device API's own data about a device (name, timezone, attributes, tags, sealed device
// secret, enabled state; schemas/008_enos_devices.sql), device creation and deletion, and the
// device search. The identity rows (orgs, products, devices) are storage/tenant_repository.hpp.
#include "storage/enos/tenant_repository.hpp"

#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::enos {

struct device_details_row {
    std::int64_t device = 0;
    std::string name;             // deviceName.defaultValue
    std::string name_i18n = "{}"; // JSON object
    std::string timezone;
    std::optional<std::string> description; // deviceDesc
    std::string attributes = "{}";          // JSON object
    std::string tags = "{}";                // JSON object of strings
    std::vector<std::uint8_t> secret_sealed;
    bool disabled = false;
    std::int64_t created_ms = 0;
};

std::optional<device_details_row> find_device_details(connection& db, std::int64_t device);
// Inserts unless the device already has a row; true when it inserted.
bool insert_device_details(connection& db, const device_details_row& row);
// Writes name, name_i18n, timezone, description, attributes and tags (not the secret, the state
// or the creation time).
void update_device_details(connection& db, const device_details_row& row);
void update_device_secret(connection& db, std::int64_t device,
                          const std::vector<std::uint8_t>& secret_sealed);
// False when the device has no row or already was in that state.
bool set_device_disabled(connection& db, std::int64_t device, bool disabled);
// Cheap check for the certificate paths: false when the device has no row (never disabled).
bool device_disabled(connection& db, std::int64_t device);

// The product of the org with this key.
std::optional<product_row> find_product(connection& db, std::int64_t org,
                                        const std::string& product_key);

// A new device row; the caller has checked that (product, device_key) and (org, asset_id) are
// free in the same transaction.
std::int64_t insert_device(connection& db, std::int64_t org, std::int64_t product,
                           const std::string& device_key, const std::string& asset_id);
// Deletes the device and its details. Its certificates stay (they are in CRLs and the audit
// log) but no longer name it: certificates.device becomes NULL.
void delete_device(connection& db, std::int64_t device);

// What action=search can filter on; every set member narrows the result (AND).
struct device_filter {
    std::optional<std::vector<std::string>> product_keys;
    std::optional<std::vector<std::string>> device_keys;
    std::optional<std::vector<std::string>> asset_ids;
    // Substring of the name: locale "" = the default name or any translation, "default" = the
    // default name only, otherwise that translation (the default name when it has none).
    std::optional<std::string> name_locale;
    std::string name_contains;
    std::optional<bool> disabled; // status: disable -> true, inactive -> false
    bool match_nothing = false;   // a condition no device can meet (e.g. status online)
};

struct device_listing {
    device_row device;
    std::string product_key;
    std::optional<device_details_row> details; // none: created before schema 8, not yet read
};

// Devices of the org matching the filter, in creation order (device id), `limit` from `offset`.
std::vector<device_listing> search_devices(connection& db, std::int64_t org, const device_filter& f,
                                           std::int64_t offset, std::int64_t limit);
std::int64_t count_devices(connection& db, std::int64_t org, const device_filter& f);

} // namespace localca::storage::enos
