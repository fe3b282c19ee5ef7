// The online backup: a consistent copy of a database in use (its WAL included), refused onto an
// existing file.
#include "storage/backup.hpp"

#include "storage/enos/tenant_repository.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include <SQLiteCpp/Database.h>

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_AUTO_TEST_SUITE(storage_backup)

BOOST_AUTO_TEST_CASE(copies_a_live_database_including_its_wal) {
    test::temp_dir dir;
    storage::options o;
    o.path = dir / "live.db";
    storage::store store(o);
    store.writer().run([](SQLite::Database& db) {
        for (int i = 0; i < 50; ++i) {
            storage::enos::upsert_org(db, test::numbered("org-", i));
        }
    });
    // The store is open: the rows may still be in the WAL only.
    storage::backup_database(o.path, dir / "copy.db");
    SQLite::Database copy((dir / "copy.db").string(), SQLite::OPEN_READONLY);
    BOOST_TEST(copy.execAndGet("SELECT count(*) FROM orgs").getInt() == 50);
    BOOST_TEST(copy.execAndGet("PRAGMA integrity_check").getString() == "ok");

    // Never over an existing file.
    BOOST_CHECK_THROW(storage::backup_database(o.path, dir / "copy.db"), std::exception);
    BOOST_CHECK_THROW(storage::backup_database(dir / "missing.db", dir / "other.db"),
                      std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
