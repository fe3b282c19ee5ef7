// The OCSP view of one certificate: its authority and revocation state, nothing for an unknown
// serial.
#include "storage/certificate_status.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

BOOST_FIXTURE_TEST_SUITE(storage_certificate_status, test::migrated_db)

BOOST_AUTO_TEST_CASE(valid_then_revoked_with_time_and_reason) {
    add_certificate(3, std::string("cn"), 0, 4'000'000'000);
    BOOST_TEST(!find_certificate_state(db, 4).has_value());
    auto s = find_certificate_state(db, 3);
    BOOST_TEST_REQUIRE(s.has_value());
    BOOST_TEST(s->authority == "RSA");
    BOOST_TEST(!s->revoked);
    BOOST_TEST(revoke_certificate(db, 3, 1'700'000'123, 4));
    s = find_certificate_state(db, 3);
    BOOST_TEST(s->revoked);
    BOOST_TEST(s->revoked_at == 1'700'000'123);
    BOOST_TEST(s->reason == 4);
}

BOOST_AUTO_TEST_SUITE_END()
