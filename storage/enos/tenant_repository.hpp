#pragma once
// Orgs, their apps (API credentials), products and devices. Seeded by `localca seed`; looked up
// by the API personalities.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::enos {

// Kind of an app secret in table unsealed_secrets (schemas/005_sealed_secrets.sql); row_id =
// apps.id.
inline constexpr const char* k_unsealed_app_secret = "enos-app";

struct org_row {
    std::int64_t id = 0;
    std::string org_id;
};
struct app_row {
    std::int64_t id = 0;
    std::int64_t org = 0;
    std::string app_key;
    std::vector<std::uint8_t>
        app_secret_sealed; // ca::secret_box, context ca::enos::app_secret_context
};
struct product_row {
    std::int64_t id = 0;
    std::int64_t org = 0;
    std::string product_key;
    bool bi_directional_auth = false;
    std::int64_t max_valid_day = 0;
};
struct device_row {
    std::int64_t id = 0;
    std::int64_t org = 0;
    std::int64_t product = 0;
    std::string device_key;
    std::string asset_id;
};

// Upserts keyed by the natural key (org_id; app_key; (org, product_key); (product, device_key)).
// Each returns the row id, and reports in *changed whether a row was inserted or modified
// (so seeding twice can say "nothing changed").
std::int64_t upsert_org(connection& db, const std::string& org_id, bool* changed = nullptr);
std::int64_t upsert_app(connection& db, std::int64_t org, const std::string& app_key,
                        const std::vector<std::uint8_t>& app_secret_sealed,
                        bool* changed = nullptr);
std::int64_t upsert_product(connection& db, std::int64_t org, const std::string& product_key,
                            bool bi_directional_auth, std::int64_t max_valid_day,
                            bool* changed = nullptr);
std::int64_t upsert_device(connection& db, std::int64_t org, std::int64_t product,
                           const std::string& device_key, const std::string& asset_id,
                           bool* changed = nullptr);

std::optional<org_row> find_org(connection& db, const std::string& org_id);
std::optional<org_row> find_org_by_id(connection& db, std::int64_t id);
std::optional<app_row> find_app(connection& db, const std::string& app_key);
std::optional<app_row> find_app_by_id(connection& db, std::int64_t id);
std::optional<product_row> find_product_by_id(connection& db, std::int64_t id);
std::optional<device_row> find_device_by_asset(connection& db, std::int64_t org,
                                               const std::string& asset_id);
std::optional<device_row> find_device_by_key(connection& db, std::int64_t org,
                                             const std::string& product_key,
                                             const std::string& device_key);
std::optional<device_row> find_device_by_id(connection& db, std::int64_t id);

} // namespace localca::storage::enos
