// API user passwords: Argon2id PHC strings with a fresh salt each time, verified only by the
// right password; an unreadable hash verifies nothing.
#include "ca/emca/password.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::ca::emca;

BOOST_AUTO_TEST_SUITE(ca_emca_password)

BOOST_AUTO_TEST_CASE(hash_and_verify) {
    const auto a = hash_password("correct horse");
    const auto b = hash_password("correct horse");
    BOOST_TEST(a.rfind("$argon2id$", 0) == 0u, a);
    BOOST_TEST(a != b); // salted
    BOOST_TEST(a.find("correct horse") == std::string::npos);
    BOOST_TEST(verify_password("correct horse", a));
    BOOST_TEST(verify_password("correct horse", b));
    BOOST_TEST(!verify_password("correct horse ", a));
    BOOST_TEST(!verify_password("", a));
    BOOST_TEST(!verify_password("correct horse", ""));
    BOOST_TEST(!verify_password("correct horse", "$argon2id$v=19$garbage"));
    BOOST_TEST(!verify_password("correct horse", "correct horse"));
}

BOOST_AUTO_TEST_SUITE_END()
