// The one row of table sealing_key: absent on a new database, stored, then replaced (rotation).
#include "storage/sealing_key_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

BOOST_FIXTURE_TEST_SUITE(storage_sealing_key_repository, test::migrated_db)

BOOST_AUTO_TEST_CASE(stored_then_replaced_never_two_rows) {
    BOOST_TEST(!find_sealing_key(db).has_value());
    sealing_key_row r;
    r.kdf_memory_kib = 65536;
    r.kdf_passes = 3;
    r.kdf_lanes = 1;
    r.salt = std::vector<std::uint8_t>(16, 0xaa);
    r.wrapped = std::vector<std::uint8_t>(60, 0xbb);
    store_sealing_key(db, r);
    auto out = find_sealing_key(db);
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(out->kdf_memory_kib == 65536);
    BOOST_TEST(out->kdf_passes == 3);
    BOOST_TEST(out->kdf_lanes == 1);
    BOOST_TEST(out->salt == r.salt, boost::test_tools::per_element());
    BOOST_TEST(out->wrapped == r.wrapped, boost::test_tools::per_element());

    auto rotated = r;
    rotated.kdf_passes = 4;
    rotated.salt = std::vector<std::uint8_t>(16, 0xcc);
    store_sealing_key(db, rotated);
    out = find_sealing_key(db);
    BOOST_TEST(out->kdf_passes == 4);
    BOOST_TEST(out->salt == rotated.salt, boost::test_tools::per_element());
    BOOST_TEST(count("sealing_key") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
