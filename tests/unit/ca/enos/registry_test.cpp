// ca::enos::registry: orgs, app credentials opened from their sealed secret (and refused loudly
// when the stored secret was edited), devices by asset id or keys, their product's rules and
// their disabled state.
#include "ca/enos/registry.hpp"

#include "ca/enos/app_secret.hpp"
#include "ca/secret_box.hpp"
#include "storage/enos/device_repository.hpp"
#include "storage/enos/tenant_repository.hpp"

#include "ca/enos/disabled_device.hpp"
#include "engine_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;

namespace {

struct registry_fixture : test::engine_fixture {
    ca::enos::registry registry{*store, engine->secrets()};
    std::int64_t device = 0;

    registry_fixture() {
        write([&](storage::connection& db) {
            const auto org = storage::enos::upsert_org(db, "o1");
            storage::enos::upsert_org(db, "o2");
            storage::enos::upsert_app(
                db, org, "ak-1",
                ca::seal_text(engine->secrets(), "sk-1", ca::enos::app_secret_context("ak-1")));
            // Sealed under another app's context: must not open as ak-2's.
            storage::enos::upsert_app(
                db, org, "ak-2",
                ca::seal_text(engine->secrets(), "sk-2", ca::enos::app_secret_context("ak-1")));
            const auto product = storage::enos::upsert_product(db, org, "pk1", true, 90);
            device = storage::enos::upsert_device(db, org, product, "dk1", "asset1");
            storage::enos::upsert_device(db, org, product, "dk2", "asset2");
        });
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ca_enos_registry, registry_fixture)

BOOST_AUTO_TEST_CASE(orgs_and_apps) {
    BOOST_TEST(registry.org_exists("o1"));
    BOOST_TEST(!registry.org_exists("o3"));
    const auto app = registry.find_app("ak-1");
    BOOST_TEST_REQUIRE(app.has_value());
    BOOST_TEST(app->app_secret == "sk-1");
    BOOST_TEST(app->org_id == "o1");
    BOOST_TEST(!registry.find_app("ak-9").has_value());
    BOOST_CHECK_THROW(registry.find_app("ak-2"), ca::secret_box_error);
}

BOOST_AUTO_TEST_CASE(devices_by_asset_or_keys) {
    ca::enos::device_ref ref;
    ref.org_id = "o1";
    ref.product_key = "pk1";
    ref.device_key = "dk1";
    BOOST_TEST(ref.complete());
    auto found = registry.find_device(ref);
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(found->id == device);
    BOOST_TEST(found->asset_id == "asset1");
    BOOST_TEST(found->bi_directional_auth);
    BOOST_TEST(found->max_valid_day == 90);
    BOOST_TEST(!found->disabled);
    // The asset id wins over the keys.
    ref.asset_id = "asset2";
    BOOST_TEST(registry.find_device(ref)->device_key == "dk2");
    // Another org's namespace.
    ref.org_id = "o2";
    BOOST_TEST(!registry.find_device(ref).has_value());
    ca::enos::device_ref partial;
    partial.org_id = "o1";
    partial.product_key = "pk1";
    BOOST_TEST(!partial.complete());
    BOOST_TEST(!registry.find_device(partial).has_value());
}

BOOST_AUTO_TEST_CASE(a_disabled_device_says_so) {
    write([&](storage::connection& db) { test::insert_disabled_details(db, device); });
    ca::enos::device_ref ref;
    ref.org_id = "o1";
    ref.asset_id = "asset1";
    BOOST_TEST(registry.find_device(ref)->disabled);
}

BOOST_AUTO_TEST_SUITE_END()
