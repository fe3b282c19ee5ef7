// Orgs, apps, products and devices: upserts keyed by natural keys that report real changes only,
// and the lookups the API personalities make.
#include "storage/enos/tenant_repository.hpp"

#include "storage/database.hpp"

#include "test_support.hpp"

#include "storage/sql_helpers.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;
using namespace localca::storage::enos;

namespace {

struct tenant_fixture {
    test::temp_dir dir;
    std::unique_ptr<storage::connection> db;

    tenant_fixture() {
        options o;
        o.path = dir / "ca.db";
        db = open_connection(o);
        migrate(*db);
    }
};

struct seed_result {
    std::int64_t org = 0, app = 0, product = 0, device = 0;
    int changes = 0; // how many upserts said "changed"
};

// The repository stores whatever bytes it is given (sealed by ca::secret_box in
// the server).
std::vector<std::uint8_t> bytes_tenant_repository(const std::string& s) {
    return {s.begin(), s.end()};
}

// What `localca seed` does for one tenant.
seed_result seed(storage::connection& db, const std::string& secret = "s3cret",
                 std::int64_t max_valid_day = 365) {
    seed_result r;
    bool changed = false;
    r.org = upsert_org(db, "org-1", &changed);
    r.changes += changed;
    r.app = upsert_app(db, r.org, "app-key", bytes_tenant_repository(secret), &changed);
    r.changes += changed;
    r.product = upsert_product(db, r.org, "prod-1", true, max_valid_day, &changed);
    r.changes += changed;
    r.device = upsert_device(db, r.org, r.product, "dev-1", "asset-1", &changed);
    r.changes += changed;
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_tenant_repository)

BOOST_FIXTURE_TEST_CASE(seeding_twice_changes_nothing, tenant_fixture) {
    const auto first = seed(*db);
    BOOST_TEST(first.changes == 4);
    const int total_before = storage::sql::query_int64(*db, "SELECT total_changes()");
    const auto second = seed(*db);
    BOOST_TEST(second.changes == 0);
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT total_changes()") ==
               total_before); // not even a same-value UPDATE
    BOOST_TEST(second.org == first.org);
    BOOST_TEST(second.app == first.app);
    BOOST_TEST(second.product == first.product);
    BOOST_TEST(second.device == first.device);
}

BOOST_FIXTURE_TEST_CASE(a_modified_column_is_a_change_keeping_the_id, tenant_fixture) {
    const auto first = seed(*db);
    const auto rotated = seed(*db, "new-secret");
    BOOST_TEST(rotated.changes == 1);
    BOOST_TEST(rotated.app == first.app);
    BOOST_TEST(find_app(*db, "app-key")->app_secret_sealed ==
               bytes_tenant_repository("new-secret"));

    const auto longer = seed(*db, "new-secret", 730);
    BOOST_TEST(longer.changes == 1);
    BOOST_TEST(longer.product == first.product);
    BOOST_TEST(find_product_by_id(*db, first.product)->max_valid_day == 730);

    bool changed = false;
    upsert_product(*db, first.org, "prod-1", false, 730, &changed);
    BOOST_TEST(changed);
    BOOST_TEST(!find_product_by_id(*db, first.product)->bi_directional_auth);

    upsert_device(*db, first.org, first.product, "dev-1", "asset-9", &changed);
    BOOST_TEST(changed);
    BOOST_TEST(!find_device_by_asset(*db, first.org, "asset-1").has_value());
    BOOST_TEST(find_device_by_asset(*db, first.org, "asset-9")->id == first.device);
}

BOOST_FIXTURE_TEST_CASE(changed_may_be_omitted, tenant_fixture) {
    const auto org = upsert_org(*db, "quiet");
    BOOST_TEST(upsert_org(*db, "quiet") == org);
    BOOST_TEST(upsert_app(*db, org, "k", bytes_tenant_repository("s")) > 0);
}

BOOST_FIXTURE_TEST_CASE(lookups_return_the_stored_rows, tenant_fixture) {
    const auto ids = seed(*db);
    const auto org = find_org(*db, "org-1");
    BOOST_REQUIRE(org.has_value());
    BOOST_TEST(org->id == ids.org);
    BOOST_TEST(find_org_by_id(*db, ids.org)->org_id == "org-1");
    BOOST_TEST(!find_org(*db, "org-2").has_value());
    BOOST_TEST(!find_org_by_id(*db, ids.org + 100).has_value());

    const auto app = find_app(*db, "app-key");
    BOOST_REQUIRE(app.has_value());
    BOOST_TEST(app->id == ids.app);
    BOOST_TEST(app->org == ids.org);
    BOOST_TEST(app->app_secret_sealed == bytes_tenant_repository("s3cret"));
    BOOST_TEST(find_app_by_id(*db, ids.app)->app_key == "app-key");
    BOOST_TEST(!find_app(*db, "APP-KEY").has_value());

    const auto product = find_product_by_id(*db, ids.product);
    BOOST_REQUIRE(product.has_value());
    BOOST_TEST(product->org == ids.org);
    BOOST_TEST(product->product_key == "prod-1");
    BOOST_TEST(product->bi_directional_auth);
    BOOST_TEST(product->max_valid_day == 365);

    for (const auto& device : {find_device_by_asset(*db, ids.org, "asset-1"),
                               find_device_by_key(*db, ids.org, "prod-1", "dev-1"),
                               find_device_by_id(*db, ids.device)}) {
        BOOST_REQUIRE(device.has_value());
        BOOST_TEST(device->id == ids.device);
        BOOST_TEST(device->org == ids.org);
        BOOST_TEST(device->product == ids.product);
        BOOST_TEST(device->device_key == "dev-1");
        BOOST_TEST(device->asset_id == "asset-1");
    }
}

BOOST_FIXTURE_TEST_CASE(device_lookups_are_scoped_to_the_org, tenant_fixture) {
    // Two orgs with the same product key, device key and asset id.
    const auto org_a = upsert_org(*db, "a");
    const auto org_b = upsert_org(*db, "b");
    const auto prod_a = upsert_product(*db, org_a, "same", false, 10);
    const auto prod_b = upsert_product(*db, org_b, "same", false, 10);
    BOOST_TEST(prod_a != prod_b);
    const auto dev_a = upsert_device(*db, org_a, prod_a, "d", "asset");
    const auto dev_b = upsert_device(*db, org_b, prod_b, "d", "asset");
    BOOST_TEST(dev_a != dev_b);

    BOOST_TEST(find_device_by_key(*db, org_a, "same", "d")->id == dev_a);
    BOOST_TEST(find_device_by_key(*db, org_b, "same", "d")->id == dev_b);
    BOOST_TEST(find_device_by_asset(*db, org_a, "asset")->id == dev_a);
    BOOST_TEST(find_device_by_asset(*db, org_b, "asset")->id == dev_b);
    BOOST_TEST(!find_device_by_key(*db, org_a, "other", "d").has_value());
    BOOST_TEST(!find_device_by_key(*db, org_a, "same", "e").has_value());
}

BOOST_FIXTURE_TEST_CASE(contradictory_seed_data_throws, tenant_fixture) {
    const auto ids = seed(*db);
    // A second device of the org claiming an asset id already taken.
    BOOST_CHECK_THROW(upsert_device(*db, ids.org, ids.product, "dev-2", "asset-1"),
                      storage::database_error);
    // The schema refuses a non-positive validity.
    BOOST_CHECK_THROW(upsert_product(*db, ids.org, "prod-2", false, 0), storage::database_error);
    // An app of an org that does not exist.
    BOOST_CHECK_THROW(upsert_app(*db, ids.org + 100, "k2", bytes_tenant_repository("s")),
                      storage::database_error);
    BOOST_TEST(!find_device_by_key(*db, ids.org, "prod-1", "dev-2").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
