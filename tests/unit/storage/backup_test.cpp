// The online backup: a consistent copy of a database in use (its WAL included), refused onto an
// existing file.
#include "storage/backup.hpp"

#include "storage/connection.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "storage/sql_helpers.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_AUTO_TEST_SUITE(storage_backup)

BOOST_AUTO_TEST_CASE(copies_a_live_database_including_its_wal) {
    test::temp_dir dir;
    storage::options o;
    o.path = dir / "live.db";
    storage::store store(o);
    store.writer().run([](storage::connection& db) {
        for (int i = 0; i < 50; ++i) {
            storage::enos::upsert_org(db, test::numbered("org-", i));
        }
    });
    // The store is open: the rows may still be in the WAL only.
    storage::backup_database(o.path, dir / "copy.db");
    storage::options copy_options;
    copy_options.path = dir / "copy.db";
    const auto copy = storage::open_connection(copy_options);
    BOOST_TEST(storage::sql::query_int64(*copy, "SELECT count(*) FROM orgs") == 50);
    BOOST_TEST(storage::sql::query_string(*copy, "PRAGMA integrity_check") == "ok");

    // Never over an existing file.
    BOOST_CHECK_THROW(storage::backup_database(o.path, dir / "copy.db"), std::exception);
    BOOST_CHECK_THROW(storage::backup_database(dir / "missing.db", dir / "other.db"),
                      std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
