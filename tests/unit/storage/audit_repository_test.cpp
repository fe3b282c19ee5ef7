// The audit table's types: migration 007 makes it STRICT (SQLite itself refuses a mistyped
// value), and first_mistyped_audit_row / audit_table_is_strict find what a table rebuilt outside
// LocalCA could still hold. The hash chain is ca's (tests/unit/ca/audit_tests.cpp).
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "test_support.hpp"

#include "storage/connection.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace localca;
using namespace localca::storage;

namespace {

struct audit_db {
    audit_db() {
        opts.path = dir / "ca.db";
        db = open_connection(opts);
        migrate(*db);
        for (std::int64_t id = 1; id <= 3; ++id) {
            audit_row r;
            r.id = id;
            r.at = 1796312470 + id;
            r.actor = "cli";
            r.action = "seed";
            r.cert_sn = id == 2 ? std::optional<std::int64_t>(7) : std::nullopt;
            r.prev_hash = std::string(64, '0');
            r.hash = std::string(64, 'a');
            insert_audit(*db, r);
        }
    }

    // The table as someone with the file could rebuild it: same columns, no STRICT.
    void rebuild_loose() {
        db->exec_script("CREATE TABLE audit_loose (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, "
                        "actor TEXT NOT NULL, action TEXT NOT NULL, cert_sn INTEGER, "
                        "subject TEXT NOT NULL, source_ip TEXT NOT NULL, outcome TEXT NOT NULL, "
                        "prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
                        "INSERT INTO audit_loose SELECT * FROM audit;"
                        "DROP TABLE audit;"
                        "ALTER TABLE audit_loose RENAME TO audit;");
    }

    test::temp_dir dir;
    options opts;
    std::unique_ptr<storage::connection> db;
};

} // namespace

BOOST_AUTO_TEST_SUITE(storage_audit_repository)

BOOST_AUTO_TEST_CASE(the_migrated_table_is_strict_and_well_typed) {
    audit_db a;
    BOOST_TEST(audit_table_is_strict(*a.db));
    BOOST_TEST(!first_mistyped_audit_row(*a.db).has_value());
    const auto rows = audit_rows_after(*a.db, 0, 0);
    BOOST_REQUIRE(rows.size() == 3u);
    BOOST_TEST(rows[1].at == 1796312472);
    BOOST_TEST(!rows[0].cert_sn.has_value()); // NULL is a well-typed cert_sn
}

BOOST_AUTO_TEST_CASE(sqlite_refuses_a_mistyped_value) {
    audit_db a;
    // The edit from issue 12: an integer time made text that still reads as the same integer.
    for (const std::string set :
         {"at = '1796312472x'", "cert_sn = 'seven'", "actor = X'636c69'", "at = 1796312472.5"}) {
        try {
            a.db->exec_script("UPDATE audit SET " + set + " WHERE id = 2");
            BOOST_ERROR("the STRICT table accepted " + set);
        } catch (const storage::database_error& e) {
            BOOST_TEST((e.which() == storage::database_error::category::constraint), set);
            BOOST_TEST(std::string(e.what()).find("cannot store") != std::string::npos, set);
        }
    }
    // An insert through the repository's own statement is refused the same way.
    BOOST_CHECK_THROW(
        a.db->exec_script("INSERT INTO audit VALUES (4, '1796312474x', 'cli', 'seed', "
                          "NULL, '', '', 'ok', '', '')"),
        storage::database_error);
    BOOST_TEST(!first_mistyped_audit_row(*a.db).has_value());
    BOOST_TEST(audit_rows_after(*a.db, 0, 0).size() == 3u);
}

BOOST_AUTO_TEST_CASE(a_table_rebuilt_without_strict_is_noticed) {
    audit_db a;
    a.rebuild_loose();
    BOOST_TEST(!audit_table_is_strict(*a.db));
    BOOST_TEST(!first_mistyped_audit_row(*a.db).has_value());

    a.db->exec_script("UPDATE audit SET at = '1796312472x' WHERE id = 2");
    // What the chain sees: the reader coerces the text back to the integer.
    BOOST_TEST(audit_rows_after(*a.db, 1, 1).at(0).at == 1796312472);
    const auto m = first_mistyped_audit_row(*a.db);
    BOOST_REQUIRE(m.has_value());
    BOOST_TEST(m->id == 2);
    BOOST_TEST(m->column == "at");
    BOOST_TEST(m->stored_type == "text");
    BOOST_TEST(m->declared_type == "integer");
}

BOOST_AUTO_TEST_CASE(every_column_is_checked_and_the_first_row_is_named) {
    // Column, a value of the wrong type, the typeof() expected in the answer.
    struct edit {
        std::string column, value, stored;
    };
    for (const edit& e :
         {edit{"at", "'17x'", "text"}, edit{"at", "NULL", "null"}, edit{"actor", "42", "integer"},
          edit{"action", "X'00'", "blob"}, edit{"cert_sn", "'7'", "text"},
          edit{"cert_sn", "7.5", "real"}, edit{"subject", "1.5", "real"},
          edit{"source_ip", "0", "integer"}, edit{"outcome", "X'6f6b'", "blob"},
          edit{"prev_hash", "1", "integer"}, edit{"hash", "2", "integer"}}) {
        audit_db a;
        // Looser still: no NOT NULL and no types, so any value stays as given.
        a.db->exec_script(
            "CREATE TABLE audit_any (id INTEGER PRIMARY KEY, at, actor, action, cert_sn, "
            "subject, source_ip, outcome, prev_hash, hash);"
            "INSERT INTO audit_any SELECT * FROM audit;"
            "DROP TABLE audit;"
            "ALTER TABLE audit_any RENAME TO audit;");
        a.db->exec_script("UPDATE audit SET " + e.column + " = " + e.value + " WHERE id IN (2, 3)");
        const auto m = first_mistyped_audit_row(*a.db);
        BOOST_REQUIRE_MESSAGE(m.has_value(), e.column + " = " + e.value);
        BOOST_TEST(m->id == 2, e.column);
        BOOST_TEST(m->column == e.column);
        BOOST_TEST(m->stored_type == e.stored, e.column + " = " + e.value);
    }
}

BOOST_AUTO_TEST_CASE(a_rebuilt_strict_table_with_loose_columns_is_still_checked) {
    // STRICT with ANY columns accepts any value: the types checked are the schema's, not the
    // table's current declaration.
    audit_db a;
    a.db->exec_script(
        "CREATE TABLE audit_any (id INTEGER PRIMARY KEY, at ANY NOT NULL, actor TEXT NOT "
        "NULL, action TEXT NOT NULL, cert_sn INTEGER, subject TEXT NOT NULL, source_ip "
        "TEXT NOT NULL, outcome TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT "
        "NULL) STRICT;"
        "INSERT INTO audit_any SELECT * FROM audit;"
        "DROP TABLE audit;"
        "ALTER TABLE audit_any RENAME TO audit;"
        "UPDATE audit SET at = '1796312473x' WHERE id = 3;");
    BOOST_TEST(audit_table_is_strict(*a.db));
    const auto m = first_mistyped_audit_row(*a.db);
    BOOST_REQUIRE(m.has_value());
    BOOST_TEST(m->id == 3);
    BOOST_TEST(m->column == "at");
}

namespace {

// A row after `last` as an appender builds it (the hash here only names the row).
audit_row next_audit_row(const std::optional<audit_row>& last, const std::string& actor) {
    audit_row r;
    r.id = last ? last->id + 1 : 1;
    r.at = 1796312500;
    r.actor = actor;
    r.action = "issue";
    r.prev_hash = last ? last->hash : std::string(64, '0');
    r.hash = actor + "#" + std::to_string(r.id);
    return r;
}

// Appends as ca::append_audit does: build on the last row, again if insert_audit refuses.
audit_row append_audit_row(connection& db, const std::string& actor, int* attempts = nullptr) {
    for (int n = 1;; ++n) {
        const auto row = next_audit_row(last_audit_row(db), actor);
        if (insert_audit(db, row)) {
            if (attempts) {
                *attempts = n;
            }
            return row;
        }
    }
}

// Rows read back in id order, consecutive, each appended one (after the fixture's three, which
// are not linked) built on the one before it.
void check_chain_links(connection& db, std::int64_t expected_rows) {
    const auto rows = audit_rows_after(db, 0, 0);
    BOOST_REQUIRE(static_cast<std::int64_t>(rows.size()) == expected_rows);
    for (std::size_t i = 3; i < rows.size(); ++i) {
        BOOST_TEST(rows[i].id == rows[i - 1].id + 1);
        BOOST_TEST(rows[i].prev_hash == rows[i - 1].hash, "entry " << rows[i].id);
    }
}

} // namespace

BOOST_AUTO_TEST_CASE(the_head_cache_answers_from_what_its_connection_wrote) {
    audit_db a;
    audit_head_cache cache(*a.db);
    const auto first = append_audit_row(*a.db, "writer"); // reads the table once: id 3
    BOOST_TEST(first.id == 4);
    // Edit the stored last row behind the cache's back: the cache still answers with the row
    // it wrote, which shows the read did not reach the table.
    a.db->exec_script("UPDATE audit SET actor = 'edited' WHERE id = 4");
    BOOST_TEST(last_audit_row(*a.db)->actor == "writer");
    cache.forget();
    BOOST_TEST(last_audit_row(*a.db)->actor == "edited");
}

BOOST_AUTO_TEST_CASE(a_stale_head_is_refused_by_the_key_and_read_again) {
    audit_db a;
    // Another appender on the same database (a CLI process, another node): its own connection.
    const auto other = open_connection(a.opts);
    audit_head_cache cache(*a.db);
    append_audit_row(*a.db, "writer"); // 4, cached
    append_audit_row(*other, "other"); // 5, built on the table's real last row
    int attempts = 0;
    const auto row = append_audit_row(*a.db, "writer", &attempts);
    BOOST_TEST(attempts == 2); // the row built on the cached 4 was refused, nothing written
    BOOST_TEST(row.id == 6);
    BOOST_TEST(row.prev_hash == "other#5");
    // And the chain goes on from the refreshed cache.
    append_audit_row(*a.db, "writer", &attempts);
    BOOST_TEST(attempts == 1);
    check_chain_links(*a.db, 7);
}

BOOST_AUTO_TEST_CASE(without_a_cache_every_append_reads_the_table) {
    audit_db a;
    const auto other = open_connection(a.opts);
    for (int i = 0; i < 3; ++i) {
        int attempts = 0;
        append_audit_row(*a.db, "one", &attempts);
        BOOST_TEST(attempts == 1);
        append_audit_row(*other, "two", &attempts);
        BOOST_TEST(attempts == 1);
    }
    check_chain_links(*a.db, 9);
}

BOOST_AUTO_TEST_CASE(a_rolled_back_append_is_forgotten) {
    audit_db a;
    audit_head_cache cache(*a.db);
    a.db->begin_write();
    append_audit_row(*a.db, "writer"); // 4
    a.db->rollback();
    cache.forget(); // as the writer does after any rollback
    const auto row = append_audit_row(*a.db, "writer");
    BOOST_TEST(row.id == 4);
    BOOST_TEST(row.prev_hash == std::string(64, 'a'));
    check_chain_links(*a.db, 4);
}

BOOST_AUTO_TEST_SUITE_END()
