// ca::sha256 / sha256_hex / certificate_id against the openssl CLI.
#include "ca/fingerprint.hpp"
#include "test_support.hpp"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

#include <string>

using localca::test::must_run;

BOOST_AUTO_TEST_SUITE(fingerprint)

BOOST_AUTO_TEST_CASE(sha256_matches_the_openssl_cli) {
    // The EnOS signature scheme's input shape (appKey + timestamp + appSecret).
    for (const std::string& text : {std::string("ak-1" "1572574909697" "sk-1"), std::string()}) {
        const auto out = must_run("printf '%s' '" + text + "' | openssl dgst -sha256 -r");
        const auto expected = out.substr(0, 64);
        BOOST_TEST(localca::ca::sha256_hex(text) == expected, text);
        const auto raw = localca::ca::sha256(text);
        BOOST_TEST(Botan::hex_encode(raw.data(), raw.size(), false) == expected);
        const std::vector<std::uint8_t> bytes(text.begin(), text.end());
        BOOST_TEST((localca::ca::sha256(std::span<const std::uint8_t>(bytes)) == raw));
        BOOST_TEST(localca::ca::certificate_id(bytes) == expected);
    }
}

BOOST_AUTO_TEST_SUITE_END()
