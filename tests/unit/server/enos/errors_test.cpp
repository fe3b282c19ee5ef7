// The EnOS error table: every ca::errc has an EnOS code and message (docs/enos.md).
#include "server/enos/errors.hpp"

#include <boost/test/unit_test.hpp>

namespace enos = localca::server::enos;
using localca::ca::errc;

BOOST_AUTO_TEST_SUITE(enos_errors)

BOOST_AUTO_TEST_CASE(every_errc_has_an_enos_code) {
    for (int i = 0; i <= static_cast<int>(errc::internal); ++i) {
        const auto e = enos::from_errc({static_cast<errc>(i), "m", "d"});
        BOOST_TEST((e.code == 99400 || e.code == 11404 || e.code == 11833 || e.code == 99500 ||
                    e.code == 11702 || e.code == 11721 || e.code == 11723 || e.code == 99404),
                   "errc " << i);
        BOOST_TEST(!e.msg.empty());
    }
    BOOST_TEST(enos::from_errc({errc::device_not_found, "", ""}).msg == "Device cannot be found");
    BOOST_TEST(enos::from_errc({errc::key_in_use, "", ""}).code == 11833);
    // The device API's (docs/enos.md, "Device management").
    BOOST_TEST(enos::from_errc({errc::device_exists, "", ""}).code == 11702);
    BOOST_TEST(enos::from_errc({errc::device_exists, "", ""}).msg == "DeviceKey existed");
    BOOST_TEST(enos::from_errc({errc::device_disabled, "", ""}).code == 11723);
    BOOST_TEST(enos::from_errc({errc::device_enabled, "", ""}).code == 11721);
    BOOST_TEST(enos::from_errc({errc::product_not_found, "", ""}).code == 99404);
    BOOST_TEST(enos::from_errc({errc::duplicate_subject, "m", "d"}).msg ==
               "Duplicate subject by certificate request!message: m, detail message: d");
    BOOST_TEST(enos::from_errc({errc::internal, "", ""}).code == 99500);
}

BOOST_AUTO_TEST_SUITE_END()
