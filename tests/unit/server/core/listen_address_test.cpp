// Listen addresses: host and port, IPv6 in brackets, an empty host, refusals.
#include "server/core/listen_address.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using namespace localca::server;

BOOST_AUTO_TEST_SUITE(server_listen_address)

BOOST_AUTO_TEST_CASE(listen_addresses) {
    auto a = parse_listen_address("127.0.0.1:8080");
    BOOST_TEST(a.host == "127.0.0.1");
    BOOST_TEST(a.port == 8080);
    a = parse_listen_address("[::1]:8443");
    BOOST_TEST(a.host == "::1");
    BOOST_TEST(a.port == 8443);
    a = parse_listen_address("localhost:0");
    BOOST_TEST(a.host == "localhost");
    BOOST_TEST(a.port == 0);
    a = parse_listen_address(":65535");
    BOOST_TEST(a.host == "");
    BOOST_TEST(a.port == 65535);

    for (const char* bad : {"", "8080", "host:", "host:65536", "host:80x", "::1:80", "[::1]80",
                            "[::1", "[]:80", "host:-1"}) {
        BOOST_CHECK_THROW(parse_listen_address(bad), std::invalid_argument);
    }
}

BOOST_AUTO_TEST_SUITE_END()
