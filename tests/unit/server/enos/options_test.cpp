// EnOS auth modes: every mode's name parses back to it, anything else is refused and leaves the
// value alone.
#include "server/enos/options.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace localca::server::enos;

BOOST_AUTO_TEST_SUITE(enos_options)

BOOST_AUTO_TEST_CASE(auth_modes_round_trip) {
    for (const auto mode :
         {auth_mode::strict, auth_mode::token, auth_mode::off, auth_mode::unverified_token}) {
        auto parsed = auth_mode::strict;
        BOOST_TEST(parse_auth_mode(to_string(mode), &parsed), to_string(mode));
        BOOST_TEST((parsed == mode), to_string(mode));
    }
    BOOST_TEST(std::string(to_string(auth_mode::unverified_token)) == "unverified-token");
    auto kept = auth_mode::token;
    for (const char* bad : {"", "Strict", "unverified_token", "none"}) {
        BOOST_TEST(!parse_auth_mode(bad, &kept), bad);
        BOOST_TEST((kept == auth_mode::token), bad);
    }
}

BOOST_AUTO_TEST_SUITE_END()
