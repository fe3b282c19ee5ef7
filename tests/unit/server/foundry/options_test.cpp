// Foundry's configuration values: AWS region names and subject modes.
#include "server/foundry/options.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::server::foundry;

BOOST_AUTO_TEST_SUITE(foundry_options)

BOOST_AUTO_TEST_CASE(regions_and_subject_modes) {
    for (const char* r :
         {"us-east-1", "us-west-2", "eu-central-1", "us-gov-west-1", "cn-north-1"}) {
        BOOST_TEST(valid_region(r), r);
    }
    for (const char* r : {"", "us", "us-east", "US-EAST-1", "us_east_1", "us--1", "-us-1",
                          "us-east-1-", "us-east-1a", "1-2"}) {
        BOOST_TEST(!valid_region(r), r);
    }
    subject_mode m = subject_mode::uuid;
    BOOST_TEST(parse_subject_mode("aws", &m));
    BOOST_TEST((m == subject_mode::aws));
    BOOST_TEST(parse_subject_mode("uuid", &m));
    BOOST_TEST((m == subject_mode::uuid));
    BOOST_TEST(!parse_subject_mode("AWS", &m));
}

BOOST_AUTO_TEST_SUITE_END()
