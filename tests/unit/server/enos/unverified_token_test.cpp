// enos.auth "unverified-token": what passes for an access token (Poseidon's base64, our own
// "<expiry>.<appKey>.<hmac>", JWTs) and what does not (too short or long, free text, padding in
// the middle of a part, control bytes), with real base64 from the openssl CLI.
#include "server/enos/unverified_token.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace localca::server::enos;

BOOST_AUTO_TEST_SUITE(server_enos_unverified_token)

BOOST_AUTO_TEST_CASE(real_token_shapes_pass) {
    // A Poseidon-sized token: base64 of 256 random bytes (344 characters, '=' padded).
    auto poseidon = localca::test::must_run("openssl rand 256 | openssl base64 -A");
    BOOST_TEST(well_formed_access_token(poseidon));
    BOOST_TEST(poseidon.size() == 344u);
    BOOST_TEST(well_formed_access_token("1796312471.ak-1.0123456789abcdef0123456789abcdef"));
    BOOST_TEST(well_formed_access_token("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
                                        "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"));
    BOOST_TEST(well_formed_access_token("YWJjZGVmZ2hpamtsbW5vcA==.YWJjZA=="));
    BOOST_TEST(well_formed_access_token(std::string(k_max_access_token, 'A')));
}

BOOST_AUTO_TEST_CASE(other_values_are_refused) {
    for (const std::string& bad :
         {std::string(), std::string("null"), std::string("Bearer"), std::string(15, 'a'),
          std::string(k_max_access_token + 1, 'A'), std::string("Bearer abcdefghijklmnopqr"),
          std::string("abcdefghijklmnop\"q"), std::string("abcdefgh=ijklmnopq"),
          std::string("abcdefghijklmnop==="), std::string("abcdefghijklmnop\tq"),
          std::string("abcdefghijklmnop\0q", 18)}) {
        BOOST_TEST(!well_formed_access_token(bad), bad);
    }
}

BOOST_AUTO_TEST_SUITE_END()
