// Error codes: each has its own name (the personalities' tables and logs key on it), and an
// out-of-range value does not crash.
#include "ca/errc.hpp"

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

using namespace localca::ca;

BOOST_AUTO_TEST_SUITE(ca_errc)

BOOST_AUTO_TEST_CASE(every_code_has_a_distinct_name) {
    std::set<std::string> names;
    const int last = static_cast<int>(errc::internal);
    for (int i = 0; i <= last; ++i) {
        const std::string name = to_string(static_cast<errc>(i));
        BOOST_TEST(name != "unknown", "code " << i << " has no name");
        BOOST_TEST(names.insert(name).second, "duplicate name " << name);
    }
    BOOST_TEST(std::string(to_string(errc::key_in_use)) == "key_in_use");
    BOOST_TEST(std::string(to_string(static_cast<errc>(last + 1))) == "unknown");
}

BOOST_AUTO_TEST_CASE(results_hold_a_value_or_an_error) {
    result<int> good = 7;
    BOOST_TEST(good.ok());
    BOOST_TEST(good.value() == 7);
    result<int> bad = make_error(errc::device_not_found, "no such device", "asset a1");
    BOOST_TEST(!bad);
    BOOST_TEST((bad.err().code == errc::device_not_found));
    BOOST_TEST(bad.err().detail == "asset a1");
    BOOST_TEST(success().ok());
}

BOOST_AUTO_TEST_SUITE_END()
