// The EnOS device API's tables: details round trips (insert once, update without the secret and
// state), enable/disable, deletion keeping certificates, and the device search's filters.
#include "storage/enos/device_repository.hpp"

#include "storage/enos/tenant_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::enos;

namespace {

struct device_fixture : test::migrated_db {
    std::int64_t org = upsert_org(db, "o1");
    std::int64_t other_org = upsert_org(db, "o2");
    std::int64_t product = upsert_product(db, org, "pk1", true, 365);
    std::int64_t product2 = upsert_product(db, org, "pk2", false, 30);

    std::int64_t add(std::int64_t in_product, const std::string& key, const std::string& name,
                     const std::string& i18n = "{}", bool disabled = false) {
        const auto id = insert_device(db, org, in_product, key, "asset-" + key);
        device_details_row d;
        d.device = id;
        d.name = name;
        d.name_i18n = i18n;
        d.timezone = "+08:00";
        d.disabled = disabled;
        d.secret_sealed = {1, 2, 3};
        d.created_ms = 1000 + id;
        BOOST_REQUIRE(insert_device_details(db, d));
        return id;
    }

    std::vector<std::string> keys(const device_filter& f, std::int64_t offset = 0,
                                  std::int64_t limit = 100) {
        std::vector<std::string> out;
        for (const auto& l : search_devices(db, org, f, offset, limit)) {
            out.push_back(l.device.device_key);
        }
        BOOST_TEST(count_devices(db, org, f) >= static_cast<std::int64_t>(out.size()));
        return out;
    }
};

using names = std::vector<std::string>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_enos_device_repository, device_fixture)

BOOST_AUTO_TEST_CASE(details_are_inserted_once_and_updated_without_secret_or_state) {
    const auto id = insert_device(db, org, product, "dk1", "a1");
    BOOST_TEST(!find_device_details(db, id).has_value());
    device_details_row d;
    d.device = id;
    d.name = "Meter";
    d.name_i18n = R"({"zh_CN":"电表"})";
    d.timezone = "+08:00";
    d.description = "first floor";
    d.attributes = R"({"power":3})";
    d.tags = R"({"site":"a"})";
    d.secret_sealed = {9, 9, 9};
    d.created_ms = 1'700'000'000'123;
    BOOST_TEST(insert_device_details(db, d));
    auto again = d;
    again.name = "Other";
    BOOST_TEST(!insert_device_details(db, again));

    auto out = find_device_details(db, id);
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(out->name == "Meter");
    BOOST_TEST(out->name_i18n == d.name_i18n);
    BOOST_TEST((out->description == std::string("first floor")));
    BOOST_TEST(out->attributes == d.attributes);
    BOOST_TEST(out->tags == d.tags);
    BOOST_TEST(out->secret_sealed == d.secret_sealed, boost::test_tools::per_element());
    BOOST_TEST(out->created_ms == d.created_ms);

    auto edit = d;
    edit.name = "Meter 2";
    edit.description.reset();
    edit.secret_sealed = {0};
    edit.disabled = true;
    edit.created_ms = 5;
    update_device_details(db, edit);
    out = find_device_details(db, id);
    BOOST_TEST(out->name == "Meter 2");
    BOOST_TEST(!out->description.has_value());
    BOOST_TEST(out->secret_sealed == d.secret_sealed, boost::test_tools::per_element());
    BOOST_TEST(!out->disabled);
    BOOST_TEST(out->created_ms == d.created_ms);

    update_device_secret(db, id, {4, 5});
    BOOST_TEST(find_device_details(db, id)->secret_sealed == (std::vector<std::uint8_t>{4, 5}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(disabling_reports_only_a_change) {
    const auto id = add(product, "dk1", "Meter");
    BOOST_TEST(!device_disabled(db, id));
    BOOST_TEST(set_device_disabled(db, id, true));
    BOOST_TEST(!set_device_disabled(db, id, true));
    BOOST_TEST(device_disabled(db, id));
    BOOST_TEST(set_device_disabled(db, id, false));
    BOOST_TEST(!device_disabled(db, id));
    // A device without a details row (created before schema 8) is never disabled.
    const auto legacy = insert_device(db, org, product, "old", "a-old");
    BOOST_TEST(!set_device_disabled(db, legacy, true));
    BOOST_TEST(!device_disabled(db, legacy));
}

BOOST_AUTO_TEST_CASE(products_are_found_per_org) {
    const auto p = find_product(db, org, "pk1");
    BOOST_TEST_REQUIRE(p.has_value());
    BOOST_TEST(p->id == product);
    BOOST_TEST(p->bi_directional_auth);
    BOOST_TEST(p->max_valid_day == 365);
    BOOST_TEST(!find_product(db, other_org, "pk1").has_value());
    BOOST_TEST(!find_product(db, org, "nope").has_value());
}

BOOST_AUTO_TEST_CASE(deleting_a_device_keeps_its_certificates_unbound) {
    const auto id = add(product, "dk1", "Meter");
    add_certificate(5, std::string("dk1"), 0, 4'000'000'000);
    db.exec_script("UPDATE certificates SET device = " + std::to_string(id) + " WHERE sn = 5");
    delete_device(db, id);
    BOOST_TEST(!find_device_details(db, id).has_value());
    BOOST_TEST(!find_device_by_id(db, id).has_value());
    const auto kept = storage::find_certificate(db, 5);
    BOOST_TEST_REQUIRE(kept.has_value());
    BOOST_TEST(!kept->device.has_value());
}

BOOST_AUTO_TEST_CASE(search_filters_narrow_and_page_in_creation_order) {
    add(product, "a", "Boiler", R"({"zh_CN":"锅炉"})");
    add(product, "b", "Meter east", "{}", true);
    add(product2, "c", "meter west");
    insert_device(db, org, product2, "d", "asset-d"); // no details: named by its key
    insert_device(db, other_org, upsert_product(db, other_org, "pk1", true, 1), "x", "asset-x");

    BOOST_TEST(keys({}) == (names{"a", "b", "c", "d"}), boost::test_tools::per_element());
    BOOST_TEST(count_devices(db, org, {}) == 4);
    BOOST_TEST(keys({}, 1, 2) == (names{"b", "c"}), boost::test_tools::per_element());

    device_filter by_product;
    by_product.product_keys = names{"pk2"};
    BOOST_TEST(keys(by_product) == (names{"c", "d"}), boost::test_tools::per_element());

    device_filter by_asset;
    by_asset.asset_ids = names{"asset-a", "asset-d", "asset-x"};
    BOOST_TEST(keys(by_asset) == (names{"a", "d"}), boost::test_tools::per_element());

    // Case-insensitive substring of the default name; AND with the product.
    device_filter by_name;
    by_name.name_locale = "default";
    by_name.name_contains = "METER";
    BOOST_TEST(keys(by_name) == (names{"b", "c"}), boost::test_tools::per_element());
    by_name.product_keys = names{"pk1"};
    BOOST_TEST(keys(by_name) == (names{"b"}), boost::test_tools::per_element());

    // Locale "": the default name or any translation; a key stands in for a missing name.
    device_filter any_locale;
    any_locale.name_locale = "";
    any_locale.name_contains = "锅炉";
    BOOST_TEST(keys(any_locale) == (names{"a"}), boost::test_tools::per_element());
    any_locale.name_contains = "d";
    BOOST_TEST(keys(any_locale) == (names{"d"}), boost::test_tools::per_element());

    // One locale: its translation, else the default name.
    device_filter zh;
    zh.name_locale = "zh_CN";
    zh.name_contains = "boiler";
    BOOST_TEST(keys(zh).empty());
    zh.name_contains = "west";
    BOOST_TEST(keys(zh) == (names{"c"}), boost::test_tools::per_element());

    device_filter disabled;
    disabled.disabled = true;
    BOOST_TEST(keys(disabled) == (names{"b"}), boost::test_tools::per_element());
    disabled.disabled = false;
    BOOST_TEST(keys(disabled) == (names{"a", "c", "d"}), boost::test_tools::per_element());

    device_filter nothing;
    nothing.match_nothing = true;
    BOOST_TEST(keys(nothing).empty());
    BOOST_TEST(count_devices(db, org, nothing) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
