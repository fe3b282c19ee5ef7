// The one-statement identity reads of an EnOS request give what the single-table reads they
// replace give: same rows, same misses, the disabled state with or without a details row.
#include "storage/enos/identity_lookup.hpp"

#include "storage/enos/device_repository.hpp"
#include "storage/enos/tenant_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::enos;

namespace {

struct identity_lookup_fixture : test::migrated_db {
    std::int64_t org = upsert_org(db, "o1");
    std::int64_t other_org = upsert_org(db, "o2");
    std::int64_t product = upsert_product(db, org, "pk1", true, 365);
    std::int64_t product2 = upsert_product(db, org, "pk2", false, 30);
    std::int64_t other_product = upsert_product(db, other_org, "pk1", true, 90);

    // The asset id is unique per org: "asset-<key>", or the one given.
    std::int64_t add_with_details(std::int64_t in_org, std::int64_t in_product,
                                  const std::string& key, const std::string& asset = "") {
        const auto id =
            insert_device(db, in_org, in_product, key, asset.empty() ? "asset-" + key : asset);
        device_details_row d;
        d.device = id;
        d.name = key;
        d.timezone = "+08:00";
        d.secret_sealed = {1, 2, 3};
        d.created_ms = 1000 + id;
        BOOST_REQUIRE(insert_device_details(db, d));
        return id;
    }

    // The identity as the four single-table reads give it, for comparison.
    void check_like_single_reads(const std::optional<device_identity>& got) {
        BOOST_REQUIRE(got.has_value());
        const auto dev = find_device_by_id(db, got->device.id);
        BOOST_REQUIRE(dev.has_value());
        BOOST_TEST(got->device.org == dev->org);
        BOOST_TEST(got->device.product == dev->product);
        BOOST_TEST(got->device.device_key == dev->device_key);
        BOOST_TEST(got->device.asset_id == dev->asset_id);
        const auto prod = find_product_by_id(db, dev->product);
        BOOST_REQUIRE(prod.has_value());
        BOOST_TEST(got->product.id == prod->id);
        BOOST_TEST(got->product.org == prod->org);
        BOOST_TEST(got->product.product_key == prod->product_key);
        BOOST_TEST(got->product.bi_directional_auth == prod->bi_directional_auth);
        BOOST_TEST(got->product.max_valid_day == prod->max_valid_day);
        BOOST_TEST(got->disabled == device_disabled(db, dev->id));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_enos_identity_lookup, identity_lookup_fixture)

BOOST_AUTO_TEST_CASE(an_app_comes_with_its_org_id) {
    upsert_app(db, other_org, "app-2", {9, 8, 7});
    const auto found = find_app_with_org(db, "app-2");
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->org_id == "o2");
    BOOST_TEST(found->app.app_key == "app-2");
    BOOST_TEST(found->app.org == other_org);
    BOOST_TEST((found->app.app_secret_sealed == std::vector<std::uint8_t>{9, 8, 7}));
    BOOST_TEST(!find_app_with_org(db, "app-3").has_value());
    BOOST_TEST(!find_app_with_org(db, "APP-2").has_value());
}

BOOST_AUTO_TEST_CASE(both_forms_find_the_device_of_the_org_only) {
    const auto a = add_with_details(org, product, "dk1");
    const auto b = add_with_details(org, product2, "dk1", "asset-b");
    const auto c = add_with_details(other_org, other_product, "dk1");

    const auto by_asset = find_device_identity_by_asset(db, "o1", "asset-dk1");
    check_like_single_reads(by_asset);
    BOOST_TEST(by_asset->device.id == a);
    BOOST_TEST(by_asset->org_id == "o1");

    const auto by_key = find_device_identity_by_key(db, "o1", "pk2", "dk1");
    check_like_single_reads(by_key);
    BOOST_TEST(by_key->device.id == b);
    BOOST_TEST(!by_key->product.bi_directional_auth);
    BOOST_TEST(by_key->product.max_valid_day == 30);

    const auto other = find_device_identity_by_key(db, "o2", "pk1", "dk1");
    check_like_single_reads(other);
    BOOST_TEST(other->device.id == c);
    BOOST_TEST(other->org_id == "o2");

    // Misses: an unknown org, an asset id or keys of another org, an unknown product or device.
    BOOST_TEST(!find_device_identity_by_asset(db, "o3", "asset-dk1").has_value());
    BOOST_TEST(!find_device_identity_by_asset(db, "o1", "asset-dk2").has_value());
    BOOST_TEST(!find_device_identity_by_key(db, "o2", "pk2", "dk1").has_value());
    BOOST_TEST(!find_device_identity_by_key(db, "o1", "pk3", "dk1").has_value());
    BOOST_TEST(!find_device_identity_by_key(db, "o1", "pk1", "dk2").has_value());
}

BOOST_AUTO_TEST_CASE(the_disabled_state_is_read_with_or_without_a_details_row) {
    const auto id = add_with_details(org, product, "dk1");
    BOOST_TEST(!find_device_identity_by_asset(db, "o1", "asset-dk1")->disabled);
    BOOST_REQUIRE(set_device_disabled(db, id, true));
    BOOST_TEST(find_device_identity_by_asset(db, "o1", "asset-dk1")->disabled);
    BOOST_TEST(find_device_identity_by_key(db, "o1", "pk1", "dk1")->disabled);
    // A device without a details row (created before schema 8) is found, never disabled.
    insert_device(db, org, product, "old", "a-old");
    const auto legacy = find_device_identity_by_key(db, "o1", "pk1", "old");
    check_like_single_reads(legacy);
    BOOST_TEST(!legacy->disabled);
}

BOOST_AUTO_TEST_SUITE_END()
