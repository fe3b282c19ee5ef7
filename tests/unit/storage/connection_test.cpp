// The backend seam on SQLite: what a repository binds is what it reads back (every type, an empty
// blob apart from NULL), the per-connection statement cache (reuse, reset when a handle goes away,
// nested handles for the same SQL, connections that do not cache), and failures classified as
// database_error categories.
#include "storage/connection.hpp"

#include "storage/database.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "storage/sql_helpers.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace localca;
using namespace localca::storage;

namespace {

options file_options(const test::temp_dir& dir) {
    options o;
    o.path = dir / "ca.db";
    return o;
}

const std::string k_count = "SELECT count(*) FROM orgs";

void add_org(store& s, const std::string& org_id) {
    s.writer().run([&](connection& w) { enos::upsert_org(w, org_id); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(connection)

BOOST_AUTO_TEST_CASE(every_type_reads_back_as_bound) {
    test::temp_dir dir;
    auto db = open_connection(file_options(dir));
    BOOST_TEST((db->kind() == backend::sqlite));
    db->exec_script("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, s TEXT, b BLOB, d REAL)");
    const std::vector<std::uint8_t> bytes{0, 1, 0xff, 0};
    const std::string text("with\0nul", 8);
    const std::int64_t big = std::numeric_limits<std::int64_t>::min();
    {
        auto q = db->prepare("INSERT INTO t (id, i, s, b) VALUES (?, ?, ?, ?)");
        q->bind(1, 1);
        q->bind(2, big);
        q->bind(3, text);
        q->bind_blob(4, bytes);
        BOOST_TEST(q->exec() == 1);
        q->reset();
        q->clear_bindings(); // the remaining columns become NULL
        q->bind(1, 2);
        BOOST_TEST(q->exec() == 1);
        q->reset();
        // Empty values stay empty, not NULL.
        q->bind(1, 3);
        q->bind(2, std::int64_t{0});
        q->bind(3, std::string_view());
        q->bind_blob(4, std::vector<std::uint8_t>{});
        BOOST_TEST(q->exec() == 1);
        q->reset();
        q->bind(1, 4);
        q->bind(3, "a literal");
        q->bind_null(4);
        BOOST_TEST(q->exec() == 1);
    }
    db->exec_script("UPDATE t SET d = 0.5 WHERE id = 1");

    statement_handle q(*db, "SELECT i, s, b, typeof(s), typeof(b), d FROM t ORDER BY id");
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_int64(0) == big);
    BOOST_TEST(q->get_string(1) == text);
    BOOST_TEST(q->get_blob(2) == bytes, boost::test_tools::per_element());
    BOOST_TEST(q->get_double(5) == 0.5);
    BOOST_TEST(!q->is_null(0));
    BOOST_TEST((q->get_optional_int64(0) == std::optional<std::int64_t>(big)));

    BOOST_REQUIRE(q->step()); // bindings cleared: NULL everywhere
    for (int c = 0; c < 3; ++c) {
        BOOST_TEST(q->is_null(c));
    }
    BOOST_TEST(!q->get_optional_int64(0).has_value());
    BOOST_TEST(!q->get_optional_string(1).has_value());
    BOOST_TEST(q->get_blob(2).empty());

    BOOST_REQUIRE(q->step()); // empty, not NULL
    BOOST_TEST(!q->is_null(1));
    BOOST_TEST(!q->is_null(2));
    BOOST_TEST(q->get_string(3) == "text");
    BOOST_TEST(q->get_string(4) == "blob");
    BOOST_TEST(q->get_string(1).empty());
    BOOST_TEST(q->get_blob(2).empty());
    BOOST_TEST((q->get_optional_string(1) == std::optional<std::string>("")));

    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_string(1) == "a literal");
    BOOST_TEST(q->is_null(2));
    BOOST_TEST(!q->step());
    // Reading past the last row, or a column that is not there, is a bug and says so.
    BOOST_CHECK_THROW(q->get_int64(0), database_error);
}

BOOST_AUTO_TEST_CASE(exec_counts_changed_rows) {
    test::temp_dir dir;
    auto db = open_connection(file_options(dir));
    db->exec_script("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2), (3)");
    statement_handle update(*db, "UPDATE t SET x = x + 1 WHERE x >= ?");
    update->bind(1, 2);
    BOOST_TEST(update->exec() == 2);
    statement_handle select(*db, "SELECT x FROM t");
    BOOST_TEST(select->exec() == 0);
}

BOOST_AUTO_TEST_CASE(a_caching_connection_reuses_the_statement) {
    test::temp_dir dir;
    store s(file_options(dir));
    auto& db = s.reader(); // the store's readers cache
    BOOST_TEST(db.caching());
    const statement* first = nullptr;
    {
        statement_handle q(db, k_count);
        first = &*q;
    }
    statement_handle again(db, k_count);
    BOOST_TEST(&*again == first);

    // Nested use of the same SQL while the first is mid-result gets a separate statement, and
    // both read their own results.
    BOOST_REQUIRE(again->step());
    {
        statement_handle nested(db, k_count);
        BOOST_TEST(&*nested != first);
        BOOST_REQUIRE(nested->step());
        BOOST_TEST(nested->get_int64(0) == 0);
    }
    BOOST_TEST(again->get_int64(0) == 0);
}

// A SELECT that stopped after its first row would keep its read transaction, and so its snapshot
// of the WAL, open: later reads on that connection would not see newer commits. The handle resets.
BOOST_AUTO_TEST_CASE(reads_after_a_partial_read_see_new_commits) {
    test::temp_dir dir;
    store s(file_options(dir));
    auto& db = s.reader();
    add_org(s, "o1");
    add_org(s, "o2");
    {
        statement_handle q(db, "SELECT org_id FROM orgs ORDER BY id");
        BOOST_REQUIRE(q->step()); // one row of two, then abandoned
        BOOST_TEST(q->get_string(0) == "o1");
    }
    BOOST_TEST(!db.in_transaction());
    add_org(s, "o3");
    BOOST_TEST(sql::query_int64(db, k_count) == 3);
}

BOOST_AUTO_TEST_CASE(bindings_do_not_leak_into_the_next_use) {
    test::temp_dir dir;
    store s(file_options(dir));
    add_org(s, "o1");
    auto& db = s.reader();
    const std::string sql = "SELECT id FROM orgs WHERE org_id = ?";
    {
        statement_handle q(db, sql);
        q->bind(1, "o1");
        BOOST_TEST(q->step());
    }
    statement_handle q(db, sql); // the same statement, its binding cleared: NULL matches nothing
    BOOST_TEST(!q->step());
}

BOOST_AUTO_TEST_CASE(a_connection_that_does_not_cache_prepares_each_time) {
    test::temp_dir dir;
    const auto opts = file_options(dir);
    store s(opts);
    auto plain = open_connection(opts);
    BOOST_TEST(!plain->caching());
    for (int i = 0; i < 2; ++i) {
        statement_handle q(*plain, k_count);
        BOOST_REQUIRE(q->step());
        BOOST_TEST(q->get_int64(0) == 0);
    }
    // Caching on, used, off again: the cached statements are finalized and the connection then
    // closes cleanly.
    plain->set_caching(true);
    {
        statement_handle q(*plain, k_count);
        BOOST_REQUIRE(q->step());
    }
    plain->set_caching(false);
    BOOST_CHECK_NO_THROW(plain.reset());
}

BOOST_AUTO_TEST_CASE(a_unique_violation_is_a_constraint_error) {
    test::temp_dir dir;
    auto db = open_connection(file_options(dir));
    migrate(*db);
    db->exec_script("INSERT INTO orgs (org_id) VALUES ('o1')");
    try {
        statement_handle q(*db, "INSERT INTO orgs (org_id) VALUES (?)");
        q->bind(1, "o1");
        q->exec();
        BOOST_FAIL("a second org o1 was accepted");
    } catch (const database_error& e) {
        BOOST_TEST((e.which() == database_error::category::constraint), e.what());
        BOOST_TEST(std::string(e.what()).find("UNIQUE") != std::string::npos, e.what());
    }
    // A statement the database cannot even prepare is a bug: "other".
    try {
        db->prepare("SELECT nothing FROM nowhere");
        BOOST_FAIL("a query of a missing table was prepared");
    } catch (const database_error& e) {
        BOOST_TEST((e.which() == database_error::category::other), e.what());
    }
}

BOOST_AUTO_TEST_CASE(another_writer_holding_the_lock_is_busy) {
    test::temp_dir dir;
    auto opts = file_options(dir);
    opts.busy_timeout = std::chrono::milliseconds(50);
    auto holder = open_connection(opts);
    migrate(*holder);
    auto other = open_connection(opts);
    holder->begin_write();
    try {
        other->begin_write();
        BOOST_FAIL("two connections held the write lock at once");
    } catch (const database_error& e) {
        BOOST_TEST((e.which() == database_error::category::busy), e.what());
    }
    holder->rollback();
    BOOST_TEST(!holder->in_transaction());
}

// A file the process may not write (here: made read-only after the schema was created) refuses
// writes as "unavailable", the category that fails the writer's whole group.
BOOST_AUTO_TEST_CASE(a_read_only_file_is_unavailable) {
    test::temp_dir dir;
    const auto opts = file_options(dir);
    auto writer = open_connection(opts); // keeps the WAL and its index in place
    migrate(*writer);
    options ro = opts;
    // SQLite's own read-only open (a URI parameter) fails writes as a file without write
    // permission does, also when the tests run as root.
    ro.path = "file:" + opts.path.string() + "?mode=ro";
    auto db = open_connection(ro);
    BOOST_TEST(sql::query_int64(*db, "SELECT count(*) FROM orgs") == 0);
    try {
        db->exec_script("INSERT INTO orgs (org_id) VALUES ('o1')");
        BOOST_FAIL("a read-only database accepted a write");
    } catch (const database_error& e) {
        BOOST_TEST((e.which() == database_error::category::unavailable), e.what());
    }
}

BOOST_AUTO_TEST_CASE(transactions_and_savepoints) {
    test::temp_dir dir;
    auto db = open_connection(file_options(dir));
    migrate(*db);
    db->begin_write();
    BOOST_TEST(db->in_transaction());
    db->exec_script("INSERT INTO orgs (org_id) VALUES ('kept')");
    db->savepoint("job");
    db->exec_script("INSERT INTO orgs (org_id) VALUES ('undone')");
    db->rollback_to("job");
    db->release("job");
    db->commit();
    BOOST_TEST(!db->in_transaction());
    BOOST_TEST(sql::query_string(*db, "SELECT group_concat(org_id) FROM orgs") == "kept");
    db->begin_read();
    BOOST_TEST(db->in_transaction());
    db->rollback();
}

BOOST_AUTO_TEST_CASE(postgres_is_opened_by_its_own_backend) {
    options o;
    o.backend = backend::postgres;
    o.postgres.url = "postgres://127.0.0.1:1/none";
    o.postgres.statement_timeout = std::chrono::milliseconds(200);
    // Built without PostgreSQL: "other"; with it, an unreachable server: "unavailable". Never a
    // SQLite file.
    BOOST_CHECK_THROW(open_connection(o), database_error);
}

BOOST_AUTO_TEST_SUITE_END()
