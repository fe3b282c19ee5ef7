// EnOS's browse lists over the real schema: orgs with their counts, an org's products, a
// product's devices with their certificates counted, and a scope that names another org.
#include "storage/enos/admin_browse.hpp"

#include "storage/enos/tenant_repository.hpp"

#include "browse_support.hpp"
#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::enos;

namespace {

struct enos_browse_fixture : test::migrated_db {
    const std::vector<storage::admin::browse_source> sources = storage::enos::admin_browse();
    std::int64_t o1 = upsert_org(db, "o1");
    std::int64_t o2 = upsert_org(db, "o2");
    std::int64_t p1 = upsert_product(db, o1, "pk1", true, 3650);
    std::int64_t p2 = upsert_product(db, o1, "pk2", false, 365);
    std::int64_t q1 = upsert_product(db, o2, "pk1", true, 10);
    std::int64_t d1 = upsert_device(db, o1, p1, "dk1", "asset1");
    std::int64_t d2 = upsert_device(db, o1, p1, "dk2", "asset2");
    std::int64_t e1 = upsert_device(db, o2, q1, "dk1", "o2-asset1");
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_enos_admin_browse, enos_browse_fixture)

BOOST_AUTO_TEST_CASE(orgs_products_devices) {
    for (std::int64_t sn : {1, 2}) {
        add_certificate(sn, std::nullopt, 0, 100);
    }
    db.exec_script("UPDATE certificates SET device = " + std::to_string(d2));

    const auto orgs = test::browse_items(db, sources, "enos/orgs");
    BOOST_REQUIRE(orgs.size() == 2u);
    BOOST_TEST(orgs[0].at("orgId") == "o1");
    BOOST_TEST(orgs[0].at("products") == "2");
    BOOST_TEST(orgs[0].at("devices") == "2");
    BOOST_TEST(orgs[1].at("devices") == "1");

    const auto products = test::browse_items(db, sources, "enos/orgs/{org}/products", {"o1"});
    BOOST_REQUIRE(products.size() == 2u);
    BOOST_TEST(products[0].at("productKey") == "pk1");
    BOOST_TEST(products[0].at("biDirectionalAuth") == "true");
    BOOST_TEST(products[0].at("maxValidDay") == "3650");
    BOOST_TEST(products[1].at("biDirectionalAuth") == "false");
    BOOST_TEST(products[1].at("devices") == "0");

    const auto devices = test::browse_items(
        db, sources, "enos/orgs/{org}/products/{product}/devices", {"o1", "pk1"});
    BOOST_REQUIRE(devices.size() == 2u);
    BOOST_TEST(devices[0].at("deviceKey") == "dk1");
    BOOST_TEST(devices[0].at("assetId") == "asset1");
    BOOST_TEST(devices[0].at("certificates") == "0");
    BOOST_TEST(devices[0].at("name") == "null"); // seeded: no enos_devices row
    BOOST_TEST(devices[0].at("disabled") == "false");
    BOOST_TEST(devices[1].at("certificates") == "2");

    // pk1 of o2 is another product: its one device only.
    const auto other = test::browse_items(db, sources, "enos/orgs/{org}/products/{product}/devices",
                                          {"o2", "pk1"});
    BOOST_REQUIRE(other.size() == 1u);
    BOOST_TEST(other[0].at("assetId") == "o2-asset1");
}

BOOST_AUTO_TEST_CASE(scopes_exist_or_not) {
    const auto& products = sources.at(1);
    const auto& devices = sources.at(2);
    BOOST_TEST(storage::admin::browse_scope_exists(db, products, {"o2"}));
    BOOST_TEST(!storage::admin::browse_scope_exists(db, products, {"o3"}));
    BOOST_TEST(storage::admin::browse_scope_exists(db, devices, {"o1", "pk2"}));
    BOOST_TEST(!storage::admin::browse_scope_exists(db, devices, {"o2", "pk2"}));
}

BOOST_AUTO_TEST_SUITE_END()
