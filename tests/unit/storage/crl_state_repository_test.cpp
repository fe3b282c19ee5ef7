// The CRL publisher's state in table authorities: the revocation counter, and a stored CRL whose
// number only grows (store_next_crl refuses a number already taken or skipped).
#include "storage/crl_state_repository.hpp"

#include "storage/authority_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using namespace localca;
using namespace localca::storage;

namespace {

struct crl_fixture : test::migrated_db {
    crl_fixture() {
        authority_row r;
        r.name = "ECC";
        r.cert_der = {0x30, 0x01, 0x00};
        insert_authority(db, r);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_crl_state_repository, crl_fixture)

BOOST_AUTO_TEST_CASE(a_new_authority_has_no_revocations_and_no_crl) {
    const auto s = read_crl_state(db, "ECC");
    BOOST_TEST(s.revocations == 0);
    BOOST_TEST(s.crl_revocations == 0);
    BOOST_TEST(s.crl_number == 0);
    BOOST_TEST(s.crl_this_update == 0);
    BOOST_TEST(stored_crl(db, "ECC").empty());
    BOOST_CHECK_THROW(read_crl_state(db, "RSA"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(revocations_are_counted_per_authority) {
    count_revocations(db, "ECC");
    count_revocations(db, "ECC", 41);
    BOOST_TEST(read_crl_state(db, "ECC").revocations == 42);
    // A revocation that could not be counted would never reach a CRL: refused.
    BOOST_CHECK_THROW(count_revocations(db, "RSA"), std::logic_error);
}

BOOST_AUTO_TEST_CASE(the_crl_number_only_grows) {
    count_revocations(db, "ECC", 3);
    const std::vector<std::uint8_t> first{0x30, 0x03, 0x01, 0x01, 0xff};
    BOOST_TEST(!store_next_crl(db, "ECC", 2, first, 100, 3)); // skips number 1
    BOOST_TEST(store_next_crl(db, "ECC", 1, first, 100, 3));
    BOOST_TEST(!store_next_crl(db, "ECC", 1, {0x30, 0x00}, 200, 3)); // number taken meanwhile
    auto s = read_crl_state(db, "ECC");
    BOOST_TEST(s.crl_number == 1);
    BOOST_TEST(s.crl_this_update == 100);
    BOOST_TEST(s.crl_revocations == 3);
    BOOST_TEST(stored_crl(db, "ECC") == first, boost::test_tools::per_element());

    count_revocations(db, "ECC");
    const std::vector<std::uint8_t> second{0x30, 0x00};
    BOOST_TEST(store_next_crl(db, "ECC", 2, second, 300, 4));
    s = read_crl_state(db, "ECC");
    BOOST_TEST(s.crl_number == 2);
    BOOST_TEST(s.crl_revocations == s.revocations);
    BOOST_TEST(stored_crl(db, "ECC") == second, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
