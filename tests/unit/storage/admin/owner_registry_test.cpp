// The owner lookups vendor modules contribute to the operator API: the source of a
// certificate's api answers, a filter name served by several sources gives one condition each,
// and an api no source knows has no owner.
#include "storage/admin/owner_registry.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::admin;

namespace {

owner_source source(const std::string& api) {
    owner_source s;
    s.api = api;
    s.fields = {"profile", "cn"};
    s.lookup_sql = "SELECT profile, subject_cn FROM certificates WHERE sn = ?";
    s.filters["cn"] = "c.subject_cn = ?";
    return s;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_admin_owner_registry, test::migrated_db)

BOOST_AUTO_TEST_CASE(owners_by_api_and_filters_by_name) {
    owner_registry owners;
    owners.add(source("one"));
    auto two = source("two");
    two.filters["device"] = "c.device = ?";
    owners.add(two);

    add_certificate(1, std::string("dev-1"), 0, 10);
    add_certificate(2, std::nullopt, 0, 10);
    const auto owner = owners.owner_of(db, "one", 1);
    BOOST_TEST_REQUIRE(owner.has_value());
    BOOST_TEST_REQUIRE(owner->size() == 2u);
    BOOST_TEST(owner->at(0).first == "profile");
    BOOST_TEST((owner->at(0).second == std::string("device")));
    BOOST_TEST((owner->at(1).second == std::string("dev-1")));
    // A NULL column is an absent field, not an empty one.
    BOOST_TEST(!owners.owner_of(db, "two", 2)->at(1).second.has_value());
    BOOST_TEST(!owners.owner_of(db, "one", 99).has_value());
    BOOST_TEST(!owners.owner_of(db, "three", 1).has_value());

    BOOST_TEST(owners.has_filter("cn"));
    BOOST_TEST(owners.has_filter("device"));
    BOOST_TEST(!owners.has_filter("org"));
    BOOST_TEST(owners.conditions("cn").size() == 2u);
    BOOST_TEST(owners.conditions("device").size() == 1u);
    BOOST_TEST(owners.conditions("org").empty());
}

BOOST_AUTO_TEST_SUITE_END()
