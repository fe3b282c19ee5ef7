// open_connection's pragmas and migrate(): recorded versions, idempotence, refusal of a newer
// schema, and two migrators racing on a fresh file.
#include "storage/database.hpp"

#include "schemas/migrations.hpp"
#include "test_support.hpp"

#include "storage/sql_helpers.hpp"

// SQLite itself: the pragmas of sqlite_connection seen from a plain connection, and its global
// allocation statistics.
#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>

#include <latch>
#include <string>
#include <thread>
#include <vector>

using namespace localca;
using namespace localca::storage;

namespace {

options file_options_database(const test::temp_dir& dir) {
    options o;
    o.path = dir / "ca.db";
    return o;
}

std::vector<int> recorded_versions(storage::connection& db) {
    std::vector<int> versions;
    statement_handle q(db, "SELECT version FROM schema_version ORDER BY version");
    while (q->step()) {
        versions.push_back(q->get_int64(0));
    }
    return versions;
}

std::vector<int> compiled_versions() {
    std::vector<int> versions;
    for (const auto& m : schemas::all_migrations()) {
        versions.push_back(m.version);
    }
    return versions;
}

bool table_exists(storage::connection& db, const std::string& name) {
    statement_handle q(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    q->bind(1, name);
    return q->step();
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_database)

BOOST_AUTO_TEST_CASE(known_version_is_the_highest_compiled_migration) {
    const auto versions = compiled_versions();
    BOOST_REQUIRE(!versions.empty());
    int highest = 0;
    for (int v : versions) {
        highest = std::max(highest, v);
    }
    BOOST_TEST(known_schema_version() == highest);
}

BOOST_AUTO_TEST_CASE(migrate_applies_and_records_every_migration) {
    test::temp_dir dir;
    auto db = open_connection(file_options_database(dir));
    BOOST_TEST(!table_exists(*db, "schema_version"));

    BOOST_TEST(migrate(*db) == known_schema_version());

    const auto recorded = recorded_versions(*db);
    const auto compiled = compiled_versions();
    BOOST_TEST(recorded == compiled, boost::test_tools::per_element());
    // The schema itself is there, including the seeded sequence row.
    for (const char* table : {"serial_sequence", "authorities", "orgs", "apps", "products",
                              "devices", "certificates"}) {
        BOOST_TEST(table_exists(*db, table), table);
    }
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT count(*) FROM serial_sequence") == 1);
}

BOOST_AUTO_TEST_CASE(migrating_again_writes_nothing) {
    test::temp_dir dir;
    {
        auto db = open_connection(file_options_database(dir));
        migrate(*db);
    }
    auto db = open_connection(file_options_database(dir));
    const int before = storage::sql::query_int64(*db, "SELECT total_changes()");
    BOOST_TEST(migrate(*db) == known_schema_version());
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT total_changes()") == before);
    BOOST_TEST(recorded_versions(*db).size() == compiled_versions().size());
}

BOOST_AUTO_TEST_CASE(newer_schema_is_refused_with_a_clear_message) {
    test::temp_dir dir;
    const int newer = known_schema_version() + 1;
    {
        auto db = open_connection(file_options_database(dir));
        migrate(*db);
        db->exec_script("INSERT INTO schema_version (version) VALUES (" + std::to_string(newer) +
                        ")");
    }
    auto db = open_connection(file_options_database(dir));
    try {
        migrate(*db);
        BOOST_FAIL("migrate accepted a schema newer than it knows");
    } catch (const schema_too_new& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find(std::to_string(newer)) != std::string::npos, what);
        BOOST_TEST(what.find(std::to_string(known_schema_version())) != std::string::npos, what);
        BOOST_TEST(what.find("upgrade") != std::string::npos, what);
    }
    // Refusing must not have touched the file.
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT max(version) FROM schema_version") == newer);
}

BOOST_AUTO_TEST_CASE(file_connection_pragmas) {
    test::temp_dir dir;
    auto opts = file_options_database(dir);
    opts.busy_timeout = std::chrono::milliseconds(1234);
    auto db = open_connection(opts);
    BOOST_TEST(storage::sql::query_string(*db, "PRAGMA journal_mode") == "wal");
    BOOST_TEST(storage::sql::query_int64(*db, "PRAGMA foreign_keys") == 1);
    BOOST_TEST(storage::sql::query_int64(*db, "PRAGMA synchronous") == 2); // FULL
    BOOST_TEST(storage::sql::query_int64(*db, "PRAGMA busy_timeout") == 1234);

    opts.durable = false;
    auto fast = open_connection(opts);
    BOOST_TEST(storage::sql::query_int64(*fast, "PRAGMA synchronous") < 2);
    // WAL is a property of the file: a second connection finds it without asking.
    SQLite::Database plain(opts.path.string(), SQLite::OPEN_READONLY);
    BOOST_TEST(plain.execAndGet("PRAGMA journal_mode").getString() == "wal");
}

BOOST_AUTO_TEST_CASE(sqlite_allocation_statistics_are_off) {
    // Every SQLite use of this process goes through open_connection, which switches the global
    // allocation statistics (and their process-wide mutex) off before SQLite initialises: with
    // them off SQLite does not count, so after real work the count is still zero.
    test::temp_dir dir;
    auto db = open_connection(file_options_database(dir));
    migrate(*db);
    db->exec_script("CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(100000))");
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT length(x) FROM t") == 100000);
    sqlite3_int64 current = -1;
    sqlite3_int64 highest = -1;
    BOOST_TEST(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0) == SQLITE_OK);
    BOOST_TEST(current == 0);
    BOOST_TEST(highest == 0);
}

BOOST_AUTO_TEST_CASE(foreign_keys_are_enforced) {
    test::temp_dir dir;
    auto db = open_connection(file_options_database(dir));
    migrate(*db);
    // No org 42: the foreign key must reject the app.
    BOOST_CHECK_THROW(
        db->exec_script(
            "INSERT INTO apps (org, app_key, app_secret_sealed) VALUES (42, 'k', x'00')"),
        storage::database_error);
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT count(*) FROM apps") == 0);
}

BOOST_AUTO_TEST_CASE(private_memory_database_migrates) {
    options o;
    o.path = ":memory:";
    auto db = open_connection(o);
    BOOST_TEST(migrate(*db) == known_schema_version());
    BOOST_TEST(table_exists(*db, "certificates"));
}

BOOST_AUTO_TEST_CASE(concurrent_migrations_apply_each_version_once) {
    // Separate connections lock each other exactly as separate processes do.
    test::temp_dir dir;
    const auto opts = file_options_database(dir);
    constexpr int migrators = 4;
    std::latch start(migrators);
    std::vector<std::thread> threads;
    std::vector<int> results(migrators, -1);
    std::vector<std::string> errors(migrators);
    for (int i = 0; i < migrators; ++i) {
        threads.emplace_back([&, i] {
            std::unique_ptr<storage::connection> db;
            try {
                db = open_connection(opts);
            } catch (const std::exception& e) {
                errors[i] = std::string("open: ") + e.what();
            }
            start.arrive_and_wait(); // also after a failed open, or the others would wait forever
            try {
                if (db) {
                    results[i] = migrate(*db);
                }
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (int i = 0; i < migrators; ++i) {
        BOOST_TEST(errors[i].empty(), errors[i]);
        BOOST_TEST(results[i] == known_schema_version());
    }
    auto db = open_connection(opts);
    BOOST_TEST(recorded_versions(*db) == compiled_versions(), boost::test_tools::per_element());
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT count(*) FROM serial_sequence") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
