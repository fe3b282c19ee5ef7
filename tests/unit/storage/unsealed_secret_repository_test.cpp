// Table unsealed_secrets: empty on a new database; listed and cleared (the rows a pre-schema-5
// database's migration leaves for the first start with the passphrase).
#include "storage/unsealed_secret_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

BOOST_FIXTURE_TEST_SUITE(storage_unsealed_secret_repository, test::migrated_db)

BOOST_AUTO_TEST_CASE(listed_then_cleared) {
    BOOST_TEST(list_unsealed_secrets(db).empty());
    db.exec_script("INSERT INTO unsealed_secrets (kind, row_id, value) VALUES "
                   "('kind-b', 2, x'0102'), ('kind-a', 7, x'ff')");
    const auto rows = list_unsealed_secrets(db);
    BOOST_TEST_REQUIRE(rows.size() == 2u);
    bool seen_a = false;
    for (const auto& r : rows) {
        if (r.kind == "kind-a") {
            seen_a = true;
            BOOST_TEST(r.row_id == 7);
            BOOST_TEST(r.value == (std::vector<std::uint8_t>{0xff}),
                       boost::test_tools::per_element());
        }
    }
    BOOST_TEST(seen_a);
    clear_unsealed_secrets(db);
    BOOST_TEST(list_unsealed_secrets(db).empty());
}

BOOST_AUTO_TEST_SUITE_END()
