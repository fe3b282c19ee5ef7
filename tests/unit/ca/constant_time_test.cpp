// ca::constant_time_equal: the one comparison of a caller's value with a secret (EnOS signatures
// and tokens, the /pki/v1 bearer token, the emCA emKey).
#include "ca/constant_time.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using localca::ca::constant_time_equal;

BOOST_AUTO_TEST_SUITE(constant_time)

BOOST_AUTO_TEST_CASE(equal_only_when_every_byte_and_the_length_match) {
    BOOST_TEST(constant_time_equal("abc", "abc"));
    BOOST_TEST(constant_time_equal("", ""));
    BOOST_TEST(!constant_time_equal("abc", "abd"));
    BOOST_TEST(!constant_time_equal("xbc", "abc"));
    // Either one a prefix of the other: the shorter candidate, and the longer one read past the
    // secret's end, both differ.
    BOOST_TEST(!constant_time_equal("ab", "abc"));
    BOOST_TEST(!constant_time_equal("abc", "ab"));
    BOOST_TEST(!constant_time_equal("", "a"));
    BOOST_TEST(!constant_time_equal("a", ""));
    // A candidate that is the secret followed by NULs: the zeros read past the secret's end must
    // not make it equal.
    BOOST_TEST(!constant_time_equal(std::string("abc\0\0", 5), "abc"));
    // Bytes above 0x7f (signed char) compare as bytes.
    BOOST_TEST(constant_time_equal("\xff\x80", "\xff\x80"));
    BOOST_TEST(!constant_time_equal("\xff\x80", "\xff\x81"));
}

BOOST_AUTO_TEST_SUITE_END()
