// Authority names: "RSA"/"ECC" out, case-insensitive in, nothing else.
#include "ca/authority_kind.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::ca;

BOOST_AUTO_TEST_SUITE(ca_authority_kind)

BOOST_AUTO_TEST_CASE(names_round_trip_case_insensitively) {
    for (const auto kind : {authority_kind::rsa, authority_kind::ecc}) {
        BOOST_TEST((parse_authority(to_string(kind)) == kind));
    }
    BOOST_TEST(std::string(to_string(authority_kind::rsa)) == "RSA");
    BOOST_TEST(std::string(to_string(authority_kind::ecc)) == "ECC");
    BOOST_TEST((parse_authority("rsa") == authority_kind::rsa));
    BOOST_TEST((parse_authority("eCc") == authority_kind::ecc));
    for (const char* bad : {"", "RSA ", "EC", "DSA", "rsa2048"}) {
        BOOST_TEST(!parse_authority(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_SUITE_END()
