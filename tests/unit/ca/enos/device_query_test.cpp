// The Search Device expression: fields, operators and quoting into a device filter, and every
// malformed expression refused with a reason.
#include "ca/enos/device_query.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_AUTO_TEST_SUITE(ca_enos_device_query)

BOOST_AUTO_TEST_CASE(expression_errors) {
    for (const char* bad :
         {"colour = 'x'", "productKey like 'x'", "productKey = x", "status = 'gone'",
          "productKey = 'a' or deviceKey = 'b'", "deviceKey in ('a'", "assetId = 'x",
          "deviceName.z\"h like 'x'", "productType = 'Robot'"}) {
        const auto p = ca::enos::parse_device_expression(bad);
        BOOST_TEST(!p.filter.has_value(), bad);
        BOOST_TEST(!p.problem.empty(), bad);
    }
    const auto ok =
        ca::enos::parse_device_expression("productKey = 'it''s' AND deviceKey IN ('a', \"b\")");
    BOOST_REQUIRE(ok.filter.has_value());
    BOOST_TEST(ok.filter->product_keys->at(0) == "it's");
    BOOST_TEST(ok.filter->device_keys->size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ca_enos_device_query_fields)

BOOST_AUTO_TEST_CASE(each_field_sets_its_part_of_the_filter) {
    BOOST_TEST(ca::enos::parse_device_expression("").filter.has_value());
    BOOST_TEST(ca::enos::parse_device_expression("   ").filter.has_value());
    const auto all = ca::enos::parse_device_expression(
        "assetId in ('a1','a2') AND deviceName.en_US LIKE 'Pump' and status = 'disable'");
    BOOST_TEST_REQUIRE(all.filter.has_value(), all.problem);
    BOOST_TEST(all.filter->asset_ids->size() == 2u);
    BOOST_TEST(!all.filter->product_keys.has_value());
    BOOST_TEST((all.filter->name_locale == std::string("en_US")));
    BOOST_TEST(all.filter->name_contains == "Pump");
    BOOST_TEST((all.filter->disabled == true));

    const auto inactive = ca::enos::parse_device_expression("status = 'inactive'");
    BOOST_TEST((inactive.filter->disabled == false));
    // No device of ours is ever online: a condition nothing meets, not an error.
    const auto online = ca::enos::parse_device_expression("status = 'online'");
    BOOST_TEST_REQUIRE(online.filter.has_value());
    BOOST_TEST(online.filter->match_nothing);
}

BOOST_AUTO_TEST_SUITE_END()
