// The lab_state row: defaults, the two writes independent of each other, and defaults on a
// database without the table (an older binary's).
#include "storage/lab_state_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

BOOST_FIXTURE_TEST_SUITE(storage_lab_state_repository, test::migrated_db)

BOOST_AUTO_TEST_CASE(enabled_and_offset_are_written_independently) {
    auto s = read_lab_state(db);
    BOOST_TEST(!s.enabled);
    BOOST_TEST(s.offset_seconds == 0);
    write_lab_offset(db, -86400);
    write_lab_enabled(db, true);
    s = read_lab_state(db);
    BOOST_TEST(s.enabled);
    BOOST_TEST(s.offset_seconds == -86400);
    write_lab_enabled(db, false);
    s = read_lab_state(db);
    BOOST_TEST(!s.enabled);
    BOOST_TEST(s.offset_seconds == -86400);
}

BOOST_AUTO_TEST_CASE(a_database_without_the_table_reads_defaults) {
    db.exec_script("DROP TABLE lab_state");
    const auto s = read_lab_state(db);
    BOOST_TEST(!s.enabled);
    BOOST_TEST(s.offset_seconds == 0);
}

BOOST_AUTO_TEST_SUITE_END()
