// The CRL publisher's state in table authorities: the revocation counter, and a stored CRL whose
// number only grows (store_next_crl refuses a number already taken or skipped); and the CRL
// archive that keeps the DER out of that row.
#include "storage/crl_state_repository.hpp"

#include "storage/authority_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
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
    BOOST_TEST(!store_next_crl(db, "ECC", 2, 100, 3)); // skips number 1
    BOOST_TEST(store_next_crl(db, "ECC", 1, 100, 3));
    BOOST_TEST(!store_next_crl(db, "ECC", 1, 200, 3)); // number taken meanwhile
    auto s = read_crl_state(db, "ECC");
    BOOST_TEST(s.crl_number == 1);
    BOOST_TEST(s.crl_this_update == 100);
    BOOST_TEST(s.crl_revocations == 3);

    count_revocations(db, "ECC");
    BOOST_TEST(store_next_crl(db, "ECC", 2, 300, 4));
    s = read_crl_state(db, "ECC");
    BOOST_TEST(s.crl_number == 2);
    BOOST_TEST(s.crl_revocations == s.revocations);
}

BOOST_AUTO_TEST_CASE(a_store_clears_the_der_kept_in_the_authority_row) {
    // init's CRL (and one stored before the archive) is in the row; the first store clears it,
    // so that the row a revocation updates stays small.
    statement_handle legacy(db, "UPDATE authorities SET crl_der = ? WHERE name = 'ECC'");
    legacy->bind_blob(1, std::vector<std::uint8_t>{0x30, 0x00});
    legacy->exec();
    BOOST_TEST(stored_crl(db, "ECC").size() == 2u);
    BOOST_TEST(store_next_crl(db, "ECC", 1, 100, 0));
    BOOST_TEST(stored_crl(db, "ECC").empty());
}

BOOST_AUTO_TEST_CASE(the_archive_is_a_file_of_its_own_and_finds_exactly_the_stored_crl) {
    options o;
    o.path = dir / "ca.db";
    auto archive = open_crl_archive(o);
    // Beside the database, not in it: writing it takes no lock the writer needs.
    BOOST_TEST(std::filesystem::exists(dir / "ca-crls.db"));
    BOOST_TEST(!sql::table_exists(db, "crl_archive"));

    const std::vector<std::uint8_t> first{0x30, 0x03, 0x01, 0x01, 0xff};
    const std::vector<std::uint8_t> other{0x30, 0x00};
    put_crl_der(*archive, "ECC", 1, 100, 3, first);
    crl_state s;
    s.crl_number = 1;
    s.crl_this_update = 100;
    s.crl_revocations = 3;
    BOOST_TEST(*find_crl_der(*archive, "ECC", s) == first, boost::test_tools::per_element());
    BOOST_TEST(!find_crl_der(*archive, "RSA", s));
    // Another build of the same number from another counter is not the stored one.
    auto later = s;
    later.crl_revocations = 4;
    BOOST_TEST(!find_crl_der(*archive, "ECC", later));
    // The same number archived again (a process that lost the race, a restored backup): replaced.
    put_crl_der(*archive, "ECC", 1, 100, 4, other);
    BOOST_TEST(!find_crl_der(*archive, "ECC", s));
    BOOST_TEST(*find_crl_der(*archive, "ECC", later) == other, boost::test_tools::per_element());

    // A second connection (another process) sees it; pruning drops superseded numbers only.
    put_crl_der(*archive, "ECC", 2, 200, 5, first);
    auto second = open_crl_archive(o);
    prune_crl_der(*second, "ECC", 2);
    BOOST_TEST(!find_crl_der(*second, "ECC", later));
    s = crl_state{5, 5, 2, 200};
    BOOST_TEST(find_crl_der(*second, "ECC", s).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
