// The gateway's HMAC-SHA-256, compared with the openssl CLI's over keys and messages of several
// lengths (a key longer than the block is hashed first).
#include "server/enos/crypto.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using localca::test::must_run;

BOOST_AUTO_TEST_SUITE(enos_crypto)

BOOST_AUTO_TEST_CASE(matches_openssl) {
    for (const auto& [key, data] :
         {std::pair<std::string, std::string>{"sk-1", "ak-11572574909697sk-1"},
          {"k", ""},
          {std::string(100, 'K'), std::string(1000, 'd')}}) {
        auto expected =
            must_run("printf '%s' '" + data + "' | openssl dgst -sha256 -hmac '" + key + "' -r");
        expected = expected.substr(0, 64);
        const std::vector<unsigned char> key_bytes(key.begin(), key.end());
        BOOST_TEST(localca::server::enos::hmac_sha256_hex(key_bytes, data) == expected);
    }
}

BOOST_AUTO_TEST_SUITE_END()
