#include "storage/enos/tenant_repository.hpp"

#include "storage/connection.hpp"
#include "storage/enos/row_readers.hpp"
#include "storage/sql_helpers.hpp"

namespace localca::storage::enos {

using sql::upsert;

namespace {

std::optional<org_row> read_org(statement& q) {
    if (!q.step()) {
        return std::nullopt;
    }
    return org_row{q.get_int64(0), q.get_string(1)};
}

constexpr const char* k_device_columns = "SELECT d.id, d.org, d.product, d.device_key, d.asset_id "
                                         "FROM devices d ";

std::optional<device_row> read_device(statement& q) {
    if (!q.step()) {
        return std::nullopt;
    }
    return read_device_row(q, 0);
}

constexpr const char* k_app_columns = "SELECT id, org, app_key, app_secret_sealed FROM apps ";

std::optional<app_row> read_app(statement& q) {
    if (!q.step()) {
        return std::nullopt;
    }
    return app_row{q.get_int64(0), q.get_int64(1), q.get_string(2), q.get_blob(3)};
}

} // namespace

std::int64_t upsert_org(connection& db, const std::string& org_id, bool* changed) {
    const auto bind_key = [&](statement& q) { q.bind(1, org_id); };
    return upsert(
        db, "INSERT INTO orgs (org_id) VALUES (?1) ON CONFLICT (org_id) DO NOTHING RETURNING id",
        bind_key, "SELECT id FROM orgs WHERE org_id = ?1", bind_key, changed);
}

std::int64_t upsert_app(connection& db, std::int64_t org, const std::string& app_key,
                        const std::vector<std::uint8_t>& app_secret_sealed, bool* changed) {
    const auto bind_key = [&](statement& q) { q.bind(1, app_key); };
    const auto bind_all = [&](statement& q) {
        bind_key(q);
        q.bind(2, org);
        q.bind_blob(3, app_secret_sealed);
    };
    return upsert(db,
                  "INSERT INTO apps (app_key, org, app_secret_sealed) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (app_key) DO UPDATE SET org = excluded.org, "
                  "app_secret_sealed = excluded.app_secret_sealed "
                  "WHERE apps.org IS DISTINCT FROM excluded.org "
                  "OR apps.app_secret_sealed IS DISTINCT FROM excluded.app_secret_sealed "
                  "RETURNING id",
                  bind_all, "SELECT id FROM apps WHERE app_key = ?1", bind_key, changed);
}

std::int64_t upsert_product(connection& db, std::int64_t org, const std::string& product_key,
                            bool bi_directional_auth, std::int64_t max_valid_day, bool* changed) {
    const auto bind_key = [&](statement& q) {
        q.bind(1, org);
        q.bind(2, product_key);
    };
    const auto bind_all = [&](statement& q) {
        bind_key(q);
        q.bind(3, bi_directional_auth ? 1 : 0);
        q.bind(4, max_valid_day);
    };
    return upsert(
        db,
        "INSERT INTO products (org, product_key, bi_directional_auth, max_valid_day) "
        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (org, product_key) DO UPDATE SET "
        "bi_directional_auth = excluded.bi_directional_auth, "
        "max_valid_day = excluded.max_valid_day "
        "WHERE products.bi_directional_auth IS DISTINCT FROM excluded.bi_directional_auth "
        "OR products.max_valid_day IS DISTINCT FROM excluded.max_valid_day "
        "RETURNING id",
        bind_all, "SELECT id FROM products WHERE org = ?1 AND product_key = ?2", bind_key, changed);
}

std::int64_t upsert_device(connection& db, std::int64_t org, std::int64_t product,
                           const std::string& device_key, const std::string& asset_id,
                           bool* changed) {
    const auto bind_key = [&](statement& q) {
        q.bind(1, product);
        q.bind(2, device_key);
    };
    const auto bind_all = [&](statement& q) {
        bind_key(q);
        q.bind(3, org);
        q.bind(4, asset_id);
    };
    // Keyed by (product, device_key). An asset_id already used by another device of the org
    // violates UNIQUE (org, asset_id) and throws: the seed data contradicts itself.
    return upsert(db,
                  "INSERT INTO devices (product, device_key, org, asset_id) "
                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (product, device_key) DO UPDATE SET "
                  "org = excluded.org, asset_id = excluded.asset_id "
                  "WHERE devices.org IS DISTINCT FROM excluded.org "
                  "OR devices.asset_id IS DISTINCT FROM excluded.asset_id "
                  "RETURNING id",
                  bind_all, "SELECT id FROM devices WHERE product = ?1 AND device_key = ?2",
                  bind_key, changed);
}

std::optional<org_row> find_org(connection& db, const std::string& org_id) {
    statement_handle cached(db, "SELECT id, org_id FROM orgs WHERE org_id = ?");
    statement& q = *cached;
    q.bind(1, org_id);
    return read_org(q);
}

std::optional<org_row> find_org_by_id(connection& db, std::int64_t id) {
    statement_handle cached(db, "SELECT id, org_id FROM orgs WHERE id = ?");
    statement& q = *cached;
    q.bind(1, id);
    return read_org(q);
}

std::optional<app_row> find_app(connection& db, const std::string& app_key) {
    statement_handle q(db, std::string(k_app_columns) + "WHERE app_key = ?");
    q->bind(1, app_key);
    return read_app(*q);
}

std::optional<app_row> find_app_by_id(connection& db, std::int64_t id) {
    statement_handle q(db, std::string(k_app_columns) + "WHERE id = ?");
    q->bind(1, id);
    return read_app(*q);
}

std::optional<product_row> find_product_by_id(connection& db, std::int64_t id) {
    statement_handle cached(db, "SELECT id, org, product_key, bi_directional_auth, max_valid_day "
                                "FROM products WHERE id = ?");
    statement& q = *cached;
    q.bind(1, id);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_product_row(q, 0);
}

std::optional<device_row> find_device_by_asset(connection& db, std::int64_t org,
                                               const std::string& asset_id) {
    statement_handle cached(db,
                            std::string(k_device_columns) + "WHERE d.org = ? AND d.asset_id = ?");
    statement& q = *cached;
    q.bind(1, org);
    q.bind(2, asset_id);
    return read_device(q);
}

std::optional<device_row> find_device_by_key(connection& db, std::int64_t org,
                                             const std::string& product_key,
                                             const std::string& device_key) {
    // The product key is unique within its org only, hence the join through (org, product_key).
    statement_handle cached(db, std::string(k_device_columns) +
                                    "JOIN products p ON p.id = d.product "
                                    "WHERE p.org = ? AND p.product_key = ? AND d.device_key = ?");
    statement& q = *cached;
    q.bind(1, org);
    q.bind(2, product_key);
    q.bind(3, device_key);
    return read_device(q);
}

std::optional<device_row> find_device_by_id(connection& db, std::int64_t id) {
    statement_handle cached(db, std::string(k_device_columns) + "WHERE d.id = ?");
    statement& q = *cached;
    q.bind(1, id);
    return read_device(q);
}

} // namespace localca::storage::enos
