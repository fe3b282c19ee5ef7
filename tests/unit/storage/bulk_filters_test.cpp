// The core's keys of bulk revocation (authority, serialFrom, serialTo): which values they accept,
// which live certificates they select together, paging, and a key registered twice.
#include "storage/bulk_filters.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using namespace localca;
using namespace localca::storage;

namespace {

struct core_fixture : test::bulk_filters_db {
    core_fixture() {
        add_core_bulk_filters(filters);
        for (std::int64_t sn = 1; sn <= 6; ++sn) {
            add_certificate(sn, std::nullopt, now - 100, now + 100);
        }
        db.exec_script("UPDATE certificates SET authority = 'ECC' WHERE sn IN (2, 4)");
        revoke_certificate(db, 3, now, 0);
        db.exec_script("UPDATE certificates SET not_after = " + std::to_string(now) +
                       " WHERE sn = 5");
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_bulk_filters, core_fixture)

BOOST_AUTO_TEST_CASE(the_core_keys_refuse_invalid_values) {
    BOOST_TEST(filters.names() == (std::vector<std::string>{"authority", "serialFrom", "serialTo"}),
               boost::test_tools::per_element());
    BOOST_TEST(!filters.find("orgId"));
    for (const char* bad : {"", "rsa", "DSA"}) {
        BOOST_TEST(!filters.find("authority")->condition(bad).has_value());
    }
    for (const char* bad : {"", "0", "-1", "1x", "0x10", "99999999999999999999"}) {
        BOOST_TEST(!filters.find("serialFrom")->condition(bad).has_value());
        BOOST_TEST(!filters.find("serialTo")->condition(bad).has_value());
    }
    BOOST_CHECK_THROW(add_core_bulk_filters(filters), std::logic_error);
}

BOOST_AUTO_TEST_CASE(only_live_certificates_matching_every_condition) {
    // 3 is revoked, 5 expires at `now`.
    BOOST_TEST(selected({}) == (serials{1, 2, 4, 6}), boost::test_tools::per_element());
    BOOST_TEST(selected({{"authority", "ECC"}}) == (serials{2, 4}),
               boost::test_tools::per_element());
    BOOST_TEST(selected({{"serialFrom", "2"}, {"serialTo", "5"}}) == (serials{2, 4}),
               boost::test_tools::per_element());
    BOOST_TEST(selected({{"authority", "RSA"}, {"serialFrom", "2"}}) == (serials{6}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(pages_continue_after_the_last_serial) {
    const auto first = select_live(db, {}, now, 0, 2);
    BOOST_TEST_REQUIRE(first.size() == 2u);
    BOOST_TEST(first[1].sn == 2);
    BOOST_TEST(first[1].authority == "ECC");
    BOOST_TEST(first[1].subject_der == (std::vector<std::uint8_t>{0x30, 0x00}),
               boost::test_tools::per_element());
    const auto rest = select_live(db, {}, now, first.back().sn, 10);
    BOOST_TEST_REQUIRE(rest.size() == 2u);
    BOOST_TEST(rest[0].sn == 4);
    BOOST_TEST(rest[1].sn == 6);
}

BOOST_AUTO_TEST_SUITE_END()
