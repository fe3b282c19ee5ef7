// The PostgreSQL backend (storage/postgres_connection) against a real server: the throw-away
// cluster of tests/support/pg_cluster.py, whose URL comes in LOCALCA_TEST_PG_URL (ctest -L
// postgres). Without it the suite is skipped, loudly; the placeholder rewrite needs no server.
#include "storage/postgres_connection.hpp"

#include "schemas/migrations.hpp"
#include "storage/crl_state_repository.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <map>
#include <set>
#include <thread>

using namespace localca;
using namespace localca::storage;
using category = database_error::category;

namespace {

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : nullptr;
}

boost::test_tools::assertion_result server_given(boost::unit_test::test_unit_id) {
    if (env("LOCALCA_TEST_PG_URL") != nullptr) {
        return true;
    }
    std::cerr << "\n*** SKIPPED: the PostgreSQL backend's tests: LOCALCA_TEST_PG_URL is unset. Run "
                 "them with a real server: ctest -L postgres (tests/support/pg_cluster.py) ***\n\n";
    boost::test_tools::assertion_result r(false);
    r.message() << "LOCALCA_TEST_PG_URL unset";
    return r;
}

options pg_options(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    options o;
    o.backend = backend::postgres;
    o.postgres.url = env("LOCALCA_TEST_PG_URL");
    o.postgres.statement_timeout = timeout;
    return o;
}

std::unique_ptr<connection>
open(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    return open_postgres_connection(pg_options(timeout));
}

// The category of what f throws; fails the test when it throws nothing or something else.
std::optional<category> category_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const database_error& e) {
        BOOST_TEST_MESSAGE("database_error: " << e.what());
        return e.which();
    }
    return std::nullopt;
}

std::int64_t scalar(connection& c, std::string_view sql) {
    auto q = c.prepare(sql);
    BOOST_REQUIRE(q->step());
    return q->get_int64(0);
}

std::vector<std::uint8_t> every_byte() {
    std::vector<std::uint8_t> bytes;
    for (int i = 0; i < 256; ++i) {
        bytes.push_back(static_cast<std::uint8_t>(i));
    }
    return bytes;
}

// Runs the cluster's own stop/start command (pg_ctl as the cluster's owner).
void server(const char* which) {
    const char* cmd = env(which);
    BOOST_REQUIRE_MESSAGE(cmd != nullptr,
                          std::string(which) + " unset (run through pg_cluster.py)");
    test::must_run(cmd);
}

// Ends the server session `pid` from another connection, as a server restart ends every session.
void terminate_session(std::int64_t pid) {
    auto admin = open();
    auto kill = admin->prepare("SELECT pg_terminate_backend(?::int)");
    kill->bind(1, pid);
    BOOST_REQUIRE(kill->step());
}

} // namespace

BOOST_AUTO_TEST_SUITE(placeholder_numbering)

BOOST_AUTO_TEST_CASE(bare_numbered_and_quoted) {
    int n = 0;
    BOOST_TEST(number_placeholders("SELECT ?, ?, ?", &n) == "SELECT $1, $2, $3");
    BOOST_TEST(n == 3);
    // SQLite's rule: ?N is N, a bare ? is the largest so far + 1.
    BOOST_TEST(number_placeholders("WHERE a = ?2 AND b = ?1 OR c = ?", &n) ==
               "WHERE a = $2 AND b = $1 OR c = $3");
    BOOST_TEST(n == 3);
    BOOST_TEST(
        number_placeholders("SELECT '?', 'it''s ?', \"a?\" FROM t -- ?\n/* ? */ WHERE x = ?", &n) ==
        "SELECT '?', 'it''s ?', \"a?\" FROM t -- ?\n/* ? */ WHERE x = $1");
    BOOST_TEST(n == 1);
    BOOST_TEST(number_placeholders("SELECT 1", &n) == "SELECT 1");
    BOOST_TEST(n == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(postgres_connection, *boost::unit_test::precondition(server_given))

BOOST_AUTO_TEST_CASE(session_settings) {
    auto c = open(std::chrono::milliseconds(4321));
    BOOST_TEST((c->kind() == backend::postgres));
    auto q = c->prepare("SELECT current_setting('statement_timeout'), "
                        "current_setting('application_name')");
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_string(0) == "4321ms");
    BOOST_TEST(q->get_string(1) == "localca");
}

BOOST_AUTO_TEST_CASE(every_type_round_trips) {
    auto c = open();
    c->exec_script("CREATE TEMP TABLE t (n BIGINT, i BIGINT, s TEXT, b BYTEA, d DOUBLE PRECISION)");
    const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    const std::int64_t highest = std::numeric_limits<std::int64_t>::max();
    const std::string text = "h\xC3\xA9llo \xE2\x9C\x93 'quoted' \"double\" back\\slash ?";
    const auto bytes = every_byte();

    auto insert = c->prepare("INSERT INTO t (n, i, s, b, d) VALUES (?, ?, ?, ?, ?)");
    insert->bind(1, 1);
    insert->bind(2, lowest);
    insert->bind(3, text);
    insert->bind_blob(4, bytes);
    insert->bind(5, "2.5"); // text into a float column: the server converts
    BOOST_TEST(insert->exec() == 1);

    insert->reset();
    insert->clear_bindings(); // every parameter NULL now
    insert->bind(1, 2);
    insert->bind(2, highest);
    insert->bind(3, "");
    insert->bind_blob(4, std::span<const std::uint8_t>()); // empty, not NULL
    BOOST_TEST(insert->exec() == 1);

    insert->reset();
    insert->clear_bindings();
    insert->bind(1, 3);
    insert->bind_null(3);
    BOOST_TEST(insert->exec() == 1);

    auto q = c->prepare("SELECT i, s, b, d, b IS NULL, length(b) FROM t ORDER BY n");
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_int64(0) == lowest);
    BOOST_TEST(q->get_string(1) == text);
    BOOST_TEST(q->get_blob(2) == bytes);
    BOOST_TEST(q->get_double(3) == 2.5);
    BOOST_TEST(q->get_int64(4) == 0); // a boolean result reads as 0/1, as in SQLite
    BOOST_TEST(q->get_int64(5) == 256);

    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_int64(0) == highest);
    BOOST_TEST(!q->is_null(1));
    BOOST_TEST(q->get_string(1).empty());
    BOOST_TEST(!q->is_null(2)); // the empty blob is a value...
    BOOST_TEST(q->get_blob(2).empty());
    BOOST_TEST(q->get_int64(5) == 0); // ...of length 0
    BOOST_TEST(q->is_null(3));        // cleared binding: NULL

    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->is_null(0));
    BOOST_TEST(q->is_null(1));
    BOOST_TEST(q->is_null(2)); // NULL, not empty
    BOOST_TEST(q->get_int64(4) == 1);
    BOOST_TEST(!q->get_optional_int64(0).has_value());
    BOOST_TEST(!q->get_optional_string(1).has_value());
    BOOST_TEST(q->get_blob(2).empty());
    BOOST_TEST(!q->step());

    // reset runs the statement again; exec() counts the rows changed.
    q->reset();
    BOOST_TEST(q->step());
    auto update = c->prepare("UPDATE t SET s = ? WHERE n >= ?");
    update->bind(1, "x");
    update->bind(2, 2);
    BOOST_TEST(update->exec() == 2);
    // As on SQLite, a statement that ran to its end runs again without reset().
    auto twice = c->prepare("INSERT INTO t (n) VALUES (?) RETURNING n");
    twice->bind(1, 9);
    BOOST_TEST(twice->exec() == 1);
    BOOST_TEST(twice->exec() == 1);
    auto nines = c->prepare("SELECT count(*) FROM t WHERE n = 9");
    BOOST_REQUIRE(nines->step());
    BOOST_TEST(nines->get_int64(0) == 2);
    BOOST_TEST(!nines->step());
    BOOST_REQUIRE(nines->step());
    BOOST_TEST(nines->exec() == 0); // a SELECT changes nothing
    c->exec_script("DELETE FROM t WHERE n = 9");
    auto remove = c->prepare("DELETE FROM t WHERE n = ?1 OR n = ?1 + 10");
    remove->bind(1, 1);
    BOOST_TEST(remove->exec() == 1);

    // A blob read as a string and a text read as a blob hand over the same bytes (as SQLite).
    auto mixed = c->prepare("SELECT CAST(? AS BYTEA), CAST(? AS TEXT)");
    const std::vector<std::uint8_t> abc = {'a', 'b', 'c'};
    mixed->bind_blob(1, abc);
    mixed->bind(2, "def");
    BOOST_REQUIRE(mixed->step());
    BOOST_TEST(mixed->get_string(0) == "abc");
    BOOST_TEST((mixed->get_blob(1) == std::vector<std::uint8_t>{'d', 'e', 'f'}));
}

BOOST_AUTO_TEST_CASE(question_marks_in_literals_are_text) {
    auto c = open();
    auto q = c->prepare("SELECT '?' AS \"a?\", ?2 /* ? */, ?1 -- ?\n");
    q->bind(1, "first");
    q->bind(2, "second");
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_string(0) == "?");
    BOOST_TEST(q->get_string(1) == "second");
    BOOST_TEST(q->get_string(2) == "first");
    BOOST_TEST(!q->step());
    // A statement knows its parameter count: binding past it is a bug, not a silent no-op.
    BOOST_TEST((category_of([&] { q->bind(3, 1); }) == category::other));
}

BOOST_AUTO_TEST_CASE(statement_handles_reuse_prepared_statements) {
    auto c = open();
    c->set_caching(true);
    for (int i = 0; i < 3; ++i) {
        statement_handle h(*c, "SELECT ? + 1");
        h->bind(1, i);
        BOOST_REQUIRE(h->step());
        BOOST_TEST(h->get_int64(0) == i + 1);
    }
    // One server-side statement for the cached text; fresh ones are deallocated again.
    for (int i = 0; i < 3; ++i) {
        c->prepare("SELECT 2");
    }
    c->prepare("SELECT 3"); // deallocates the three before it
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM pg_prepared_statements") == 2);
}

BOOST_AUTO_TEST_CASE(errors_are_classified) {
    auto a = open();
    auto b = open();
    a->exec_script("DROP TABLE IF EXISTS k; CREATE TABLE k (id BIGINT PRIMARY KEY, v BIGINT NOT "
                   "NULL); INSERT INTO k VALUES (1, 1)");
    auto dup = a->prepare("INSERT INTO k (id, v) VALUES (?, ?)");
    dup->bind(1, 1);
    dup->bind(2, 2);
    BOOST_TEST((category_of([&] { dup->exec(); }) == category::constraint));
    auto null = a->prepare("INSERT INTO k (id, v) VALUES (2, NULL)");
    BOOST_TEST((category_of([&] { null->exec(); }) == category::constraint));
    BOOST_TEST((category_of([&] { a->prepare("SELEC 1"); }) == category::other));

    // Busy: a row lock held by another transaction (lock_not_available, 55P03)...
    a->begin_write();
    a->prepare("UPDATE k SET v = 10 WHERE id = 1")->exec();
    b->begin_read();
    auto nowait = b->prepare("SELECT v FROM k WHERE id = 1 FOR UPDATE NOWAIT");
    BOOST_TEST((category_of([&] { nowait->step(); }) == category::busy));
    BOOST_TEST(b->in_transaction()); // failed, but open until rolled back
    b->rollback();
    BOOST_TEST(!b->in_transaction());
    a->commit();

    // ...and a serialization failure (40001): b's snapshot predates a's committed update.
    b->begin_read();
    BOOST_TEST(scalar(*b, "SELECT v FROM k WHERE id = 1") == 10);
    a->exec_script("UPDATE k SET v = 11 WHERE id = 1");
    auto stale = b->prepare("UPDATE k SET v = 12 WHERE id = 1");
    BOOST_TEST((category_of([&] { stale->exec(); }) == category::busy));
    // COMMIT of the failed transaction must not look like a success.
    BOOST_TEST(category_of([&] { b->commit(); }).has_value());
    BOOST_TEST(!b->in_transaction());
    BOOST_TEST(scalar(*a, "SELECT v FROM k WHERE id = 1") == 11);
}

BOOST_AUTO_TEST_CASE(savepoints) {
    auto c = open();
    c->exec_script("DROP TABLE IF EXISTS sp; CREATE TABLE sp (id BIGINT PRIMARY KEY)");
    c->begin_write();
    BOOST_TEST(c->in_transaction());
    // As on SQLite, a second BEGIN is refused (PostgreSQL itself would only warn), and the
    // transaction goes on.
    BOOST_TEST((category_of([&] { c->begin_read(); }) == category::other));
    BOOST_TEST(c->in_transaction());
    c->exec_script("INSERT INTO sp VALUES (1)");
    c->savepoint("job");
    // A failed statement aborts only up to the savepoint (the writer's per-job rollback).
    BOOST_TEST((category_of([&] { c->exec_script("INSERT INTO sp VALUES (1)"); }) ==
                category::constraint));
    c->rollback_to("job");
    c->savepoint("job 2"); // quoted: any name is one identifier
    c->exec_script("INSERT INTO sp VALUES (2)");
    c->release("job 2");
    c->commit();
    BOOST_TEST(!c->in_transaction());
    BOOST_TEST(scalar(*c, "SELECT sum(id) FROM sp") == 3);
}

BOOST_AUTO_TEST_CASE(deferred_statements_answer_at_the_next_round_trip) {
    auto c = open();
    c->exec_script("DROP TABLE IF EXISTS dq; CREATE TABLE dq (id BIGINT PRIMARY KEY)");
    c->set_caching(true);
    const auto insert = [&](std::int64_t id) {
        statement_handle q(*c, "INSERT INTO dq VALUES (?)");
        q->bind(1, id);
        q->exec_later();
    };
    // Outside a transaction exec_later() is exec(): done when it returns.
    insert(1);
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM dq") == 1);

    // Inside one, deferred inserts and savepoints are answered by the next statement that needs
    // an answer, which sees their rows (one transaction, in order).
    c->begin_write();
    c->savepoint("job");
    insert(2);
    insert(3);
    c->release("job");
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM dq") == 3);

    // A deferred insert's error is thrown by flush(), classified, and a rollback to the
    // savepoint before it keeps the rest of the transaction.
    c->savepoint("job");
    insert(4);
    insert(1); // duplicate key
    insert(5); // skipped: after the failure in the same pipeline
    BOOST_TEST((category_of([&] { c->flush(); }) == category::constraint));
    BOOST_TEST(c->in_transaction());
    c->rollback_to("job");
    c->release("job");
    insert(6);
    c->commit(); // carries the deferred insert
    BOOST_TEST(!c->in_transaction());
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM dq") == 4); // 1, 2, 3, 6
    BOOST_TEST(scalar(*c, "SELECT sum(id) FROM dq") == 12);

    // A COMMIT after a failing deferred insert fails and commits nothing.
    c->begin_write();
    insert(7);
    insert(2);
    BOOST_TEST((category_of([&] { c->commit(); }) == category::constraint));
    c->rollback();
    BOOST_TEST(!c->in_transaction());
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM dq WHERE id = 7") == 0);

    // A rollback drops what was deferred, failed or not.
    c->begin_write();
    insert(8);
    c->rollback();
    BOOST_TEST(scalar(*c, "SELECT count(*) FROM dq WHERE id = 8") == 0);
    c->set_caching(false);
}

BOOST_AUTO_TEST_CASE(statement_timeout_is_unavailable_within_it) {
    auto c = open(std::chrono::milliseconds(500));
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST(
        (category_of([&] { c->exec_script("SELECT pg_sleep(5)"); }) == category::unavailable));
    const auto took = std::chrono::steady_clock::now() - start;
    BOOST_TEST(took >= std::chrono::milliseconds(450));
    BOOST_TEST(took < std::chrono::milliseconds(2500));
    BOOST_TEST(scalar(*c, "SELECT 1") == 1); // the connection itself is fine
}

BOOST_AUTO_TEST_CASE(advisory_lock_serialises_writers) {
    auto a = open();
    auto b = open();
    auto observer = open();
    const std::string held =
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = " +
        std::to_string(static_cast<std::uint64_t>(writer_lock_key) >> 32) +
        " AND objid = " + std::to_string(writer_lock_key & 0xFFFFFFFF) + " AND granted = ";
    a->begin_write();
    BOOST_TEST(scalar(*observer, held + "true") == 1);

    std::atomic<bool> b_began{false};
    std::thread second([&] {
        b->begin_write();
        b_began = true;
    });
    // b waits for the lock (seen by the server as an ungranted lock), not just slowly.
    for (int i = 0; i < 100 && scalar(*observer, held + "false") == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_TEST(scalar(*observer, held + "false") == 1);
    BOOST_TEST(!b_began);
    a->commit(); // releases the transaction-scoped lock
    second.join();
    BOOST_TEST(b_began);
    BOOST_TEST(scalar(*observer, held + "true") == 1);
    b->rollback();
    BOOST_TEST(scalar(*observer, held + "true") == 0);
}

BOOST_AUTO_TEST_CASE(a_terminated_session_is_reset) {
    auto c = open();
    auto q = c->prepare("SELECT pg_backend_pid()");
    BOOST_REQUIRE(q->step());
    const auto pid = q->get_int64(0);
    q->reset();
    terminate_session(pid);
    // Outside a transaction the call that finds the session gone resets the connection once and
    // runs again on the new session (preparing itself there): the caller sees no error.
    BOOST_REQUIRE(q->step());
    const auto second = q->get_int64(0);
    BOOST_TEST(second != pid);
    q->reset();
    // New SQL on a stale connection (a worker's first request of a kind after a restart): its
    // PREPARE finds the session gone and, outside a transaction, prepares on a new one.
    terminate_session(second);
    auto fresh = c->prepare("SELECT pg_backend_pid() + 0");
    BOOST_REQUIRE(fresh->step());
    BOOST_TEST(fresh->get_int64(0) != second);
}

BOOST_AUTO_TEST_CASE(a_session_terminated_inside_a_transaction_is_reported) {
    auto c = open();
    auto q = c->prepare("SELECT pg_backend_pid()");
    c->begin_read();
    BOOST_REQUIRE(q->step());
    const auto pid = q->get_int64(0);
    q->reset();
    terminate_session(pid);
    // Inside a transaction nothing is retried: the transaction is gone and the caller is told.
    BOOST_TEST((category_of([&] { q->step(); }) == category::unavailable));
    c->rollback();
    q->reset();
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_int64(0) != pid);
}

BOOST_AUTO_TEST_CASE(server_stopped_then_back) {
    auto c = open();
    auto q = c->prepare("SELECT 42");
    BOOST_REQUIRE(q->step());
    q->reset();

    c->begin_write();
    server("LOCALCA_TEST_PG_STOP");
    BOOST_TEST((category_of([&] { q->step(); }) == category::unavailable));
    q->reset();
    BOOST_TEST((category_of([&] { c->exec_script("SELECT 1"); }) == category::unavailable));
    BOOST_TEST((category_of([] { open(); }) == category::unavailable));

    server("LOCALCA_TEST_PG_START");
    // The transaction went with the old session: the caller is told until it rolls back, so no
    // statement of it runs in autocommit on the new session.
    BOOST_TEST(c->in_transaction());
    BOOST_TEST((category_of([&] { q->step(); }) == category::unavailable));
    q->reset();
    c->rollback();
    BOOST_TEST(!c->in_transaction());
    // The same connection object and statement work again.
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_int64(0) == 42);
    c->begin_write();
    c->commit();
}

namespace {

using columns_of = std::map<std::string, std::vector<std::string>>;

columns_of sqlite_columns(std::set<std::string>& indexes) {
    // SQLite's side through the seam's SQLite backend, on a throw-away file.
    test::temp_dir dir;
    storage::options o;
    o.path = dir / "lite.db";
    const auto db = storage::open_connection(o);
    for (const auto& m : schemas::all_migrations()) {
        db->exec_script(m.sql);
    }
    columns_of out;
    storage::statement_handle tables(
        *db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    while (tables->step()) {
        const std::string table = tables->get_string(0);
        storage::statement_handle info(*db, "SELECT name FROM pragma_table_info(?) ORDER BY cid");
        info->bind(1, table);
        while (info->step()) {
            out[table].push_back(info->get_string(0));
        }
    }
    storage::statement_handle idx(
        *db, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL");
    while (idx->step()) {
        indexes.insert(idx->get_string(0));
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(schema_applies_to_an_empty_database_and_matches_sqlite) {
    auto c = open();
    c->exec_script("DROP SCHEMA IF EXISTS fresh CASCADE; CREATE SCHEMA fresh; "
                   "SET search_path = fresh");
    BOOST_REQUIRE(!schemas::postgres_migrations().empty());
    int previous = 0;
    for (const auto& m : schemas::postgres_migrations()) {
        BOOST_TEST(m.version > previous);
        previous = m.version;
        c->begin_write();
        c->exec_script(m.sql);
        c->commit();
    }
    // The same version as SQLite's last: both backends are at the same schema.
    BOOST_TEST(previous == schemas::all_migrations().back().version);

    columns_of pg;
    auto cols = c->prepare("SELECT table_name, column_name FROM information_schema.columns "
                           "WHERE table_schema = 'fresh' ORDER BY table_name, ordinal_position");
    while (cols->step()) {
        pg[cols->get_string(0)].push_back(cols->get_string(1));
    }
    std::set<std::string> pg_indexes;
    auto idx = c->prepare("SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = 'fresh' "
                          "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = "
                          "i.indexname)");
    while (idx->step()) {
        pg_indexes.insert(idx->get_string(0));
    }
    std::set<std::string> lite_indexes;
    auto lite = sqlite_columns(lite_indexes);
    lite["schema_version"] = {"version"}; // created by the SQLite migrator, by the file here
    for (const auto& [table, names] : lite) {
        BOOST_TEST_CONTEXT("table " << table) {
            BOOST_TEST(pg[table] == names, boost::test_tools::per_element());
        }
    }
    BOOST_TEST(pg.size() == lite.size());
    BOOST_TEST(pg_indexes == lite_indexes, boost::test_tools::per_element());

    // The repositories' kind of SQL runs on it: RETURNING, ON CONFLICT, blobs in real columns.
    auto org = c->prepare("INSERT INTO orgs (org_id) VALUES (?) ON CONFLICT (org_id) DO NOTHING "
                          "RETURNING id");
    org->bind(1, "o1");
    BOOST_REQUIRE(org->step());
    BOOST_TEST(org->get_int64(0) >= 1);
    auto cert =
        c->prepare("INSERT INTO certificates (sn, authority, profile, subject_der, "
                   "spki_sha256, not_before, not_after, der) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    const auto bytes = every_byte();
    cert->bind(1, 7);
    cert->bind(2, "ECC");
    cert->bind(3, "device");
    cert->bind_blob(4, bytes);
    cert->bind_blob(5, bytes);
    cert->bind(6, 1);
    cert->bind(7, 2);
    cert->bind_blob(8, std::span<const std::uint8_t>());
    BOOST_TEST(cert->exec() == 1);
    auto read = c->prepare("SELECT der, subject_der, status FROM certificates WHERE sn = ?");
    read->bind(1, 7);
    BOOST_REQUIRE(read->step());
    BOOST_TEST(!read->is_null(0));
    BOOST_TEST(read->get_blob(0).empty());
    BOOST_TEST(read->get_blob(1) == bytes);
    BOOST_TEST(read->get_int64(2) == 0);
    c->exec_script("DROP SCHEMA fresh CASCADE; SET search_path = DEFAULT");
}

BOOST_AUTO_TEST_CASE(crl_archives_opened_together_create_one_table) {
    // Every node opens its CRL archive when it first publishes, so several start together on a
    // database without the table: PostgreSQL's CREATE TABLE IF NOT EXISTS is not safe against
    // a concurrent create (both pass the check, one fails on pg_type's unique index).
    auto admin = open();
    admin->exec_script("DROP SCHEMA IF EXISTS crl_race CASCADE; CREATE SCHEMA crl_race");
    auto o = pg_options();
    o.postgres.url += std::string(o.postgres.url.find('?') == std::string::npos ? "?" : "&") +
                      "options=-csearch_path%3Dcrl_race";
    constexpr int k_nodes = 8;
    for (int round = 0; round < 5; ++round) {
        admin->exec_script("DROP TABLE IF EXISTS crl_race.crl_archive");
        std::atomic<int> ready{0};
        std::atomic<int> failures{0};
        std::vector<std::thread> nodes;
        for (int i = 0; i < k_nodes; ++i) {
            nodes.emplace_back([&] {
                ++ready;
                while (ready < k_nodes) {
                    std::this_thread::yield();
                }
                try {
                    auto archive = open_crl_archive(o);
                    put_crl_der(*archive, "ECC", 1, 1, 0, {0x30, 0x00});
                } catch (const std::exception& e) {
                    BOOST_TEST_MESSAGE("open_crl_archive: " << e.what());
                    ++failures;
                }
            });
        }
        for (auto& t : nodes) {
            t.join();
        }
        BOOST_TEST(failures == 0);
        BOOST_TEST(scalar(*admin, "SELECT count(*) FROM crl_race.crl_archive") == 1);
    }
    admin->exec_script("DROP SCHEMA crl_race CASCADE");
}

BOOST_AUTO_TEST_SUITE_END()
