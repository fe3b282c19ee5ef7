// Table authorities: idempotent insertion and CRL updates.
#include "storage/authority_repository.hpp"

#include "storage/database.hpp"

#include "test_support.hpp"

#include "storage/sql_helpers.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

namespace {

struct authority_fixture {
    test::temp_dir dir;
    std::unique_ptr<storage::connection> db;

    authority_fixture() {
        options o;
        o.path = dir / "ca.db";
        db = open_connection(o);
        migrate(*db);
    }
};

authority_row rsa_root() {
    authority_row r;
    r.name = "RSA";
    r.cert_der = {0x30, 0x82, 0x01, 0x0a, 0x02};
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_authority_repository)

BOOST_FIXTURE_TEST_CASE(a_new_authority_has_no_crl, authority_fixture) {
    insert_authority(*db, rsa_root());
    const auto found = find_authority(*db, "RSA");
    BOOST_REQUIRE(found.has_value());
    BOOST_TEST(found->name == "RSA");
    BOOST_TEST(found->cert_der == rsa_root().cert_der, boost::test_tools::per_element());
    BOOST_TEST(found->crl_number == 0);
    BOOST_TEST(found->crl_der.empty());
    BOOST_TEST(found->crl_this_update == 0);
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT crl_der IS NULL FROM authorities") == 1);
    BOOST_TEST(!find_authority(*db, "ECC").has_value());
}

BOOST_FIXTURE_TEST_CASE(inserting_again_keeps_the_first_row, authority_fixture) {
    insert_authority(*db, rsa_root());
    auto other = rsa_root();
    other.cert_der = {0x01};
    insert_authority(*db, other); // init run twice must not replace the root
    BOOST_TEST(find_authority(*db, "RSA")->cert_der == rsa_root().cert_der,
               boost::test_tools::per_element());
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT count(*) FROM authorities") == 1);
}

BOOST_FIXTURE_TEST_CASE(update_crl_replaces_the_current_crl, authority_fixture) {
    insert_authority(*db, rsa_root());
    auto ecc = rsa_root();
    ecc.name = "ECC";
    insert_authority(*db, ecc);

    const std::vector<std::uint8_t> crl1{0x30, 0x01, 0xaa};
    const std::vector<std::uint8_t> crl2{0x30, 0x02, 0xbb, 0xcc};
    update_crl(*db, "RSA", 1, crl1, 1000);
    update_crl(*db, "RSA", 2, crl2, 2000);
    const auto rsa = find_authority(*db, "RSA");
    BOOST_TEST(rsa->crl_number == 2);
    BOOST_TEST(rsa->crl_der == crl2, boost::test_tools::per_element());
    BOOST_TEST(rsa->crl_this_update == 2000);
    // The other authority is untouched.
    BOOST_TEST(find_authority(*db, "ECC")->crl_number == 0);
}

BOOST_FIXTURE_TEST_CASE(update_crl_of_an_unknown_authority_throws, authority_fixture) {
    BOOST_CHECK_THROW(update_crl(*db, "DSA", 1, {0x30}, 1), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()
