// Table shared_keys: absent, inserted once (the first publisher wins, a second insert changes
// nothing), read back byte for byte.
#include "storage/shared_key_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

BOOST_FIXTURE_TEST_SUITE(storage_shared_key_repository, test::migrated_db)

BOOST_AUTO_TEST_CASE(the_first_publisher_wins) {
    BOOST_TEST(!find_shared_key(db, "ca/rsa.key.pem").has_value());
    const std::vector<std::uint8_t> first{0x00, 0x01, 0xff, 0x00, 0x7f};
    const std::vector<std::uint8_t> second{0x02};
    BOOST_TEST(insert_shared_key(db, "ca/rsa.key.pem", first));
    BOOST_TEST(!insert_shared_key(db, "ca/rsa.key.pem", second));
    const auto out = find_shared_key(db, "ca/rsa.key.pem");
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(*out == first, boost::test_tools::per_element());
    BOOST_TEST(!find_shared_key(db, "ca/ecc.key.pem").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
