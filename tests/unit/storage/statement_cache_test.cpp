// cached_statement: prepared statements reused on the store's connections, never leaving a read
// snapshot open between uses, and safe when the same query is nested or the connection is not
// one of the store's.
#include "storage/statement_cache.hpp"

#include "storage/database.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;
using namespace localca::storage::enos;

namespace {

options file_options(const test::temp_dir& dir) {
    options o;
    o.path = dir / "ca.db";
    return o;
}

const std::string k_count = "SELECT count(*) FROM orgs";

} // namespace

BOOST_AUTO_TEST_SUITE(storage_statement_cache)

BOOST_AUTO_TEST_CASE(an_attached_connection_reuses_the_statement) {
    test::temp_dir dir;
    store s(file_options(dir));
    auto& db = s.reader(); // the store attaches its readers
    const SQLite::Statement* first = nullptr;
    {
        cached_statement q(db, k_count);
        first = &*q;
    }
    cached_statement again(db, k_count);
    BOOST_TEST(&*again == first);

    // Nested use of the same SQL while the first is mid-result gets a separate statement.
    BOOST_REQUIRE((*again).executeStep());
    cached_statement nested(db, k_count);
    BOOST_TEST(&*nested != first);
    BOOST_REQUIRE((*nested).executeStep());
    BOOST_TEST((*nested).getColumn(0).getInt() == 0);
}

// A SELECT that stopped after its first row would keep its read transaction, and so its snapshot
// of the WAL, open: later reads on that connection would not see newer commits. The guard resets.
BOOST_AUTO_TEST_CASE(reads_after_a_partial_read_see_new_commits) {
    test::temp_dir dir;
    store s(file_options(dir));
    auto& db = s.reader();
    s.writer().run([](SQLite::Database& w) {
        upsert_org(w, "o1");
        upsert_org(w, "o2");
    });
    {
        cached_statement q(db, "SELECT org_id FROM orgs ORDER BY id");
        BOOST_REQUIRE((*q).executeStep()); // one row of two, then abandoned
        BOOST_TEST((*q).getColumn(0).getString() == "o1");
    }
    s.writer().run([](SQLite::Database& w) { upsert_org(w, "o3"); });
    cached_statement count(db, k_count);
    BOOST_REQUIRE((*count).executeStep());
    BOOST_TEST((*count).getColumn(0).getInt() == 3);
    BOOST_TEST(db.execAndGet("SELECT count(*) FROM orgs").getInt() == 3);
}

BOOST_AUTO_TEST_CASE(bindings_do_not_leak_into_the_next_use) {
    test::temp_dir dir;
    store s(file_options(dir));
    s.writer().run([](SQLite::Database& w) { upsert_org(w, "o1"); });
    auto& db = s.reader();
    BOOST_TEST(find_org(db, "o1").has_value());
    {
        // The same SQL as find_org(): left with a binding, then a use without binding sees NULL.
        cached_statement q(db, "SELECT id, org_id FROM orgs WHERE org_id = ?");
        (*q).bind(1, "o1");
    }
    cached_statement q(db, "SELECT id, org_id FROM orgs WHERE org_id = ?");
    BOOST_TEST(!(*q).executeStep());
}

BOOST_AUTO_TEST_CASE(other_connections_prepare_fresh_statements) {
    test::temp_dir dir;
    const auto opts = file_options(dir);
    store s(opts);
    auto plain = open_connection(opts); // not attached: every use prepares its own statement
    for (int i = 0; i < 2; ++i) {
        cached_statement q(*plain, k_count);
        BOOST_REQUIRE((*q).executeStep());
        BOOST_TEST((*q).getColumn(0).getInt() == 0);
    }
    // Attached, used, detached: the connection then closes with no statement left behind
    // (sqlite3_close would report SQLITE_BUSY otherwise; SQLiteCpp asserts on it).
    attach_statement_cache(*plain);
    {
        cached_statement q(*plain, k_count);
        BOOST_REQUIRE((*q).executeStep());
    }
    detach_statement_cache(*plain);
    BOOST_CHECK_NO_THROW(plain.reset());
}

BOOST_AUTO_TEST_SUITE_END()
