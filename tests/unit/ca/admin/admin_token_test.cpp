// Admin tokens: the documented format, fresh each time, stored as SHA-256, and the role names.
#include "ca/admin/admin_token.hpp"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>

using namespace localca::ca::admin;

BOOST_AUTO_TEST_SUITE(ca_admin_token)

BOOST_AUTO_TEST_CASE(tokens_are_prefixed_random_hex) {
    std::set<std::string> seen;
    for (int i = 0; i < 50; ++i) {
        const auto t = new_token();
        BOOST_TEST(std::regex_match(t, std::regex("lcadm_[0-9a-f]{64}")), t);
        BOOST_TEST(seen.insert(t).second);
    }
}

BOOST_AUTO_TEST_CASE(the_digest_is_sha256) {
    BOOST_TEST(Botan::hex_encode(token_digest("abc"), false) ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(token_digest("a") != token_digest("b"));
}

BOOST_AUTO_TEST_CASE(roles_round_trip) {
    for (const auto r : {role::viewer, role::operator_role}) {
        BOOST_TEST((parse_role(to_string(r)) == r));
    }
    BOOST_TEST(std::string(to_string(role::operator_role)) == "operator");
    BOOST_TEST(!parse_role("admin").has_value());
    BOOST_TEST(!parse_role("Viewer").has_value());
    BOOST_TEST(static_cast<int>(role::operator_role) > static_cast<int>(role::viewer));
}

BOOST_AUTO_TEST_SUITE_END()
