// The audit log: hash chain append, verification, tamper detection, and the engine's entries
// written in the same transaction as the issuance or revocation they record.
#include "ca/audit.hpp"
#include "ca/csr.hpp"
#include "ca/engine.hpp"
#include "engine_fixture.hpp"
#include "schemas/migrations.hpp"
#include "storage/audit_repository.hpp"
#include "storage/database.hpp"
#include "test_support.hpp"

#include "storage/sql_helpers.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <future>
#include <stdexcept>
#include <tuple>

using namespace localca;
using localca::test::openssl_csr;
using localca::test::temp_dir;

namespace {

struct audit_store {
    audit_store() {
        sopts.path = dir / "localca.db";
        sopts.durable = false;
        store = std::make_unique<storage::store>(sopts);
    }

    ca::audit_event event(const std::string& action, std::optional<std::int64_t> sn = {}) {
        ca::audit_event e;
        e.actor = "appKey:k1";
        e.action = action;
        e.cert_sn = sn;
        e.subject = "CN=dev-" + action;
        e.source_ip = "127.0.0.1";
        return e;
    }

    void append(const ca::audit_event& e) { ca::record_audit(*store, e, *ca::real_time()); }

    // Another connection, like the sqlite3 CLI editing the file.
    void tamper(const std::string& sql) {
        auto db = storage::open_connection(sopts);
        db->exec_script(sql);
    }

    ca::audit_verification verify() { return ca::verify_audit(store->reader()); }

    // The audit table as someone with the file could rebuild it: same columns, no STRICT.
    void rebuild_without_strict() {
        tamper("CREATE TABLE audit_loose (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, "
               "actor TEXT NOT NULL, action TEXT NOT NULL, cert_sn INTEGER, "
               "subject TEXT NOT NULL, source_ip TEXT NOT NULL, outcome TEXT NOT NULL, "
               "prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
               "INSERT INTO audit_loose SELECT * FROM audit;"
               "DROP TABLE audit;"
               "ALTER TABLE audit_loose RENAME TO audit;");
    }

    temp_dir dir;
    storage::options sopts;
    std::unique_ptr<storage::store> store;
};

} // namespace

BOOST_AUTO_TEST_SUITE(audit_chain)

BOOST_FIXTURE_TEST_CASE(entries_carry_the_clocks_time_when_appended, audit_store) {
    ca::settable_clock clk(
        std::chrono::system_clock::time_point(std::chrono::seconds(1'893'456'000)));
    ca::record_audit(*store, event("start"), clk);
    clk.advance(std::chrono::hours(24 * 30));
    ca::record_audit(*store, event("stop"), clk);
    const auto rows = storage::audit_rows_after(store->reader(), 0, 10);
    BOOST_REQUIRE_EQUAL(rows.size(), 2u);
    BOOST_CHECK_EQUAL(rows[0].at, 1'893'456'000);
    BOOST_CHECK_EQUAL(rows[1].at, 1'893'456'000 + 30 * 86400);
    BOOST_CHECK(verify().ok);
}

BOOST_AUTO_TEST_CASE(empty_log_verifies) {
    audit_store s;
    const auto v = s.verify();
    BOOST_TEST(v.ok);
    BOOST_TEST(v.entries == 0);
}

BOOST_AUTO_TEST_CASE(append_links_each_entry_to_the_previous_one) {
    audit_store s;
    s.append(s.event("issue", 11));
    s.append(s.event("revoke", 11));
    auto failed = s.event("auth");
    failed.outcome = "denied";
    s.append(failed);

    const auto rows = storage::audit_tail(s.store->reader(), 10);
    BOOST_REQUIRE(rows.size() == 3u);
    BOOST_TEST(rows[0].id == 1);
    BOOST_TEST(rows[0].prev_hash == std::string(64, '0'));
    BOOST_TEST(rows[1].prev_hash == rows[0].hash);
    BOOST_TEST(rows[2].prev_hash == rows[1].hash);
    BOOST_TEST(rows[0].hash.size() == 64u);
    BOOST_TEST(rows[0].hash == ca::audit_hash(rows[0]));
    BOOST_TEST(rows[1].action == "revoke");
    BOOST_TEST(*rows[1].cert_sn == 11);
    BOOST_TEST(!rows[2].cert_sn.has_value());
    BOOST_TEST(rows[2].outcome == "denied");
    BOOST_TEST(rows[2].source_ip == "127.0.0.1");

    const auto v = s.verify();
    BOOST_TEST(v.ok);
    BOOST_TEST(v.entries == 3);

    const auto last_two = storage::audit_tail(s.store->reader(), 2);
    BOOST_REQUIRE(last_two.size() == 2u);
    BOOST_TEST(last_two[0].id == 2);

    const auto json = ca::audit_json(rows[2]);
    BOOST_TEST(json.find("\"outcome\":\"denied\"") != std::string::npos, json);
    BOOST_TEST(json.find("\"certSN\":null") != std::string::npos, json);
}

BOOST_AUTO_TEST_CASE(a_refused_caller_is_one_denied_auth_entry) {
    audit_store s;
    const auto e = ca::auth_denied_event("pki-token", "10.1.2.3");
    BOOST_TEST(e.actor == "pki-token");
    BOOST_TEST(e.action == "auth");
    BOOST_TEST(e.outcome == "denied");
    BOOST_TEST(e.source_ip == "10.1.2.3");
    BOOST_TEST(!e.cert_sn.has_value());
    BOOST_TEST(e.subject.empty());

    ca::record_auth_denied(*s.store, "foundry", "10.9.8.7", *ca::real_time());
    s.store->writer().run([](storage::connection&) {}); // after the queued append
    const auto rows = storage::audit_tail(s.store->reader(), 10);
    BOOST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].actor == "foundry");
    BOOST_TEST(rows[0].action == "auth");
    BOOST_TEST(rows[0].outcome == "denied");
    BOOST_TEST(rows[0].source_ip == "10.9.8.7");
    BOOST_TEST(s.verify().ok);
}

BOOST_AUTO_TEST_CASE(an_edited_field_breaks_that_entry) {
    for (const std::string set : {"outcome = 'ok'", "actor = 'cli'", "cert_sn = 12", "at = at + 1",
                                  "source_ip = '10.0.0.1'", "subject = ''"}) {
        audit_store s;
        s.append(s.event("issue", 11));
        auto e = s.event("auth");
        e.outcome = "denied";
        s.append(e);
        s.append(s.event("revoke", 11));
        s.tamper("UPDATE audit SET " + set + " WHERE id = 2");
        const auto v = s.verify();
        BOOST_TEST(!v.ok, set);
        BOOST_TEST(v.first_broken.value_or(0) == 2, set);
    }
}

BOOST_AUTO_TEST_CASE(a_rehashed_forgery_breaks_the_next_entry) {
    audit_store s;
    s.append(s.event("issue", 11));
    s.append(s.event("issue", 12));
    s.append(s.event("revoke", 11));
    // The forger recomputes entry 2's hash: entry 3 no longer links to it.
    auto rows = storage::audit_tail(s.store->reader(), 10);
    rows[1].subject = "CN=someone-else";
    const auto forged = ca::audit_hash(rows[1]);
    s.tamper("UPDATE audit SET subject = 'CN=someone-else', hash = '" + forged + "' WHERE id = 2");
    const auto v = s.verify();
    BOOST_TEST(!v.ok);
    BOOST_TEST(v.first_broken.value_or(0) == 3);
}

BOOST_AUTO_TEST_CASE(a_deleted_entry_is_detected) {
    audit_store s;
    s.append(s.event("issue", 11));
    s.append(s.event("issue", 12));
    s.append(s.event("issue", 13));
    s.tamper("DELETE FROM audit WHERE id = 2");
    const auto v = s.verify();
    BOOST_TEST(!v.ok);
    BOOST_TEST(v.first_broken.value_or(0) == 3);
}

BOOST_AUTO_TEST_CASE(the_strict_table_refuses_a_time_made_text) {
    // Issue 12: `at` from 1796312471 to '1796312471x' read back as the same integer and verified.
    audit_store s;
    s.append(s.event("issue", 11));
    s.append(s.event("revoke", 11));
    try {
        s.tamper("UPDATE audit SET at = at || 'x' WHERE id = 2");
        BOOST_ERROR("the audit table accepted a text time");
    } catch (const storage::database_error& e) {
        BOOST_TEST((e.which() == storage::database_error::category::constraint), e.what());
        BOOST_TEST(std::string(e.what()).find("cannot store") != std::string::npos, e.what());
    }
    const auto v = s.verify();
    BOOST_TEST(v.ok, v.reason);
    BOOST_TEST(v.entries == 2);
}

BOOST_AUTO_TEST_CASE(a_time_made_text_in_a_rebuilt_table_breaks_that_entry) {
    audit_store s;
    s.append(s.event("issue", 11));
    s.append(s.event("revoke", 11));
    s.append(s.event("issue", 12));
    s.rebuild_without_strict();
    s.tamper("UPDATE audit SET at = at || 'x' WHERE id = 2");
    // The reader still sees the integer the hash covers: only the type gives the edit away.
    const auto row = storage::audit_rows_after(s.store->reader(), 1, 1).at(0);
    BOOST_TEST(ca::audit_hash(row) == row.hash);

    const auto v = s.verify();
    BOOST_TEST(!v.ok);
    BOOST_TEST(v.first_broken.value_or(0) == 2);
    BOOST_TEST(v.reason.find("at is stored as text, not integer") != std::string::npos, v.reason);
    BOOST_TEST(v.reason.find("not STRICT") != std::string::npos, v.reason);
}

BOOST_AUTO_TEST_CASE(a_table_rebuilt_without_strict_fails_even_with_good_rows) {
    audit_store s;
    s.append(s.event("issue", 11));
    s.rebuild_without_strict();
    const auto v = s.verify();
    BOOST_TEST(!v.ok);
    BOOST_TEST(!v.first_broken.has_value());
    BOOST_TEST(v.reason.find("not STRICT") != std::string::npos, v.reason);
}

BOOST_AUTO_TEST_CASE(the_earliest_failing_entry_is_named) {
    // A mistyped entry after a chain break, then before one.
    for (const auto& [edit_a, edit_b, expected] :
         {std::tuple{"subject = 'x' WHERE id = 1", "at = at || 'x' WHERE id = 3", 1},
          std::tuple{"at = at || 'x' WHERE id = 1", "subject = 'x' WHERE id = 3", 1},
          std::tuple{"cert_sn = '12x' WHERE id = 2", "subject = 'x' WHERE id = 3", 2}}) {
        audit_store s;
        s.append(s.event("issue", 11));
        s.append(s.event("issue", 12));
        s.append(s.event("issue", 13));
        s.rebuild_without_strict();
        s.tamper(std::string("UPDATE audit SET ") + edit_a);
        s.tamper(std::string("UPDATE audit SET ") + edit_b);
        const auto v = s.verify();
        BOOST_TEST(!v.ok);
        BOOST_TEST(v.first_broken.value_or(0) == expected, edit_a << " / " << edit_b);
    }
}

BOOST_AUTO_TEST_CASE(a_failed_job_leaves_no_entry) {
    audit_store s;
    s.append(s.event("issue", 11));
    BOOST_CHECK_THROW(s.store->writer().run([&](storage::connection& db) {
        ca::append_audit(db, s.event("issue", 12), *ca::real_time());
        throw std::runtime_error("the change failed");
    }),
                      std::runtime_error);
    s.append(s.event("issue", 13));
    const auto rows = storage::audit_tail(s.store->reader(), 10);
    BOOST_REQUIRE(rows.size() == 2u);
    BOOST_TEST(*rows[1].cert_sn == 13);
    BOOST_TEST(s.verify().ok);
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

// A database file as LocalCA before migration 007 left it: migrations 1 to 6 applied and
// recorded the way storage::migrate() does, the audit table not STRICT.
std::unique_ptr<storage::connection> version_6_database(const storage::options& opts) {
    auto db = storage::open_connection(opts);
    db->exec_script("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    for (const auto& m : schemas::all_migrations()) {
        if (m.version <= 6) {
            db->exec_script("BEGIN");
            db->exec_script(std::string(m.sql));
            db->exec_script("INSERT INTO schema_version (version) VALUES (" +
                            std::to_string(m.version) + ")");
            db->exec_script("COMMIT");
        }
    }
    return db;
}

// Every stored value of every row, with its type (quote() writes text quoted, blobs as X'..').
std::string audit_dump(storage::connection& db) {
    std::string out;
    storage::statement_handle q(db,
                                "SELECT quote(id), quote(at), quote(actor), quote(action), "
                                "quote(cert_sn), quote(subject), quote(source_ip), quote(outcome), "
                                "quote(prev_hash), quote(hash) FROM audit ORDER BY id");
    while (q->step()) {
        for (int i = 0; i < 10; ++i) { // the ten columns above
            out += q->get_string(i);
            out += '|';
        }
        out += '\n';
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(audit_migration)

BOOST_AUTO_TEST_CASE(a_version_6_log_migrates_row_for_row_and_still_verifies) {
    temp_dir dir;
    storage::options sopts;
    sopts.path = dir / "localca.db";
    sopts.durable = false;
    std::string before;
    {
        auto db = version_6_database(sopts);
        BOOST_TEST(!storage::audit_table_is_strict(*db));
        int n = 0;
        for (const char* subject : {"CN=d\xc3\xa9vice,O=Acme", "", "CN=\"quoted\"\n"}) {
            for (const char* outcome : {"ok", "denied"}) {
                ca::audit_event e;
                e.actor = "appKey:k" + std::to_string(n);
                e.action = n % 2 ? "auth" : "issue";
                e.cert_sn = n % 2 ? std::nullopt : std::optional<std::int64_t>(1000 + n);
                e.subject = subject;
                e.source_ip = n % 3 ? "192.0.2.1" : "";
                e.outcome = outcome;
                db->exec_script("BEGIN IMMEDIATE");
                ca::append_audit(*db, e, *ca::real_time());
                db->exec_script("COMMIT");
                ++n;
            }
        }
        BOOST_TEST(!ca::verify_audit(*db).first_broken.has_value()); // the chain is whole
        before = audit_dump(*db);
    }

    storage::store store(sopts); // migrates
    auto& db = store.reader();
    BOOST_TEST(storage::sql::query_int64(db, "SELECT max(version) FROM schema_version") ==
               storage::known_schema_version());
    BOOST_TEST(storage::audit_table_is_strict(db));
    BOOST_TEST(audit_dump(db) == before);
    const auto v = ca::verify_audit(db);
    BOOST_TEST(v.ok, v.reason);
    BOOST_TEST(v.entries == 6);
    BOOST_TEST(storage::sql::query_int64(
                   db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'audit%'") == 1);

    // The chain goes on from the migrated rows.
    ca::audit_event next;
    next.actor = "cli";
    next.action = "seed";
    ca::record_audit(store, next, *ca::real_time());
    const auto after = ca::verify_audit(store.reader());
    BOOST_TEST(after.ok, after.reason);
    BOOST_TEST(after.entries == 7);
}

BOOST_AUTO_TEST_CASE(a_version_6_log_with_a_mistyped_row_is_not_migrated) {
    // The copy into the STRICT table cannot hold the tampered value: the migration fails as a
    // whole and leaves the database at version 6, rows as they were, for the operator to see.
    temp_dir dir;
    storage::options sopts;
    sopts.path = dir / "localca.db";
    sopts.durable = false;
    auto db = version_6_database(sopts);
    for (int i = 0; i < 3; ++i) {
        ca::audit_event e;
        e.actor = "cli";
        e.action = "seed";
        db->exec_script("BEGIN IMMEDIATE");
        ca::append_audit(*db, e, *ca::real_time());
        db->exec_script("COMMIT");
    }
    db->exec_script("UPDATE audit SET at = at || 'x' WHERE id = 2");
    const auto before = audit_dump(*db);
    const auto v = ca::verify_audit(*db);
    BOOST_TEST(v.first_broken.value_or(0) == 2, v.reason);

    try {
        storage::migrate(*db);
        BOOST_ERROR("a mistyped audit row was migrated");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("007_audit_strict.sql") != std::string::npos, what);
        BOOST_TEST(what.find("at") != std::string::npos, what);
    }
    BOOST_TEST(storage::sql::query_int64(*db, "SELECT max(version) FROM schema_version") == 6);
    BOOST_TEST(!storage::audit_table_is_strict(*db));
    BOOST_TEST(audit_dump(*db) == before);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(audit_engine)

BOOST_AUTO_TEST_CASE(issue_and_revoke_are_recorded_with_their_caller) {
    // Developer mode: a passphrase file in the temp dir.
    const test::scoped_env passphrase("LOCALCA_CA_PASSPHRASE");
    test::engine_fixture f;
    auto& dir = f.dir;
    auto& store = *f.store;
    auto& eng = *f.engine;

    auto sk = ca::check_csr(openssl_csr(dir.path(), "d1", "p256", "/CN=audit-dev"),
                            ca::authority_kind::ecc);
    BOOST_REQUIRE(sk.ok());
    ca::issue_request req;
    req.authority = ca::authority_kind::ecc;
    req.subject = sk.value();
    req.valid_days = 30;
    req.audit = ca::audit_context{"pki-token", "192.0.2.7", ""};
    const auto issued = eng.issue_sync(req);
    BOOST_REQUIRE(issued.ok());

    ca::revoke_request rr;
    rr.sn = issued->sn;
    rr.reason = 1;
    rr.audit = ca::audit_context{"appKey:abc", "192.0.2.8", ""};
    BOOST_REQUIRE(eng.revoke_sync(rr).ok());
    // A refused revocation records nothing.
    BOOST_REQUIRE(!eng.revoke_sync(rr).ok());

    const auto rows = storage::audit_tail(store.reader(), 10);
    BOOST_REQUIRE(rows.size() == 2u);
    BOOST_TEST(rows[0].action == "issue");
    BOOST_TEST(rows[0].actor == "pki-token");
    BOOST_TEST(rows[0].source_ip == "192.0.2.7");
    BOOST_TEST(*rows[0].cert_sn == issued->sn);
    BOOST_TEST(rows[0].subject.find("audit-dev") != std::string::npos, rows[0].subject);
    BOOST_TEST(rows[1].action == "revoke");
    BOOST_TEST(rows[1].actor == "appKey:abc");
    BOOST_TEST(*rows[1].cert_sn == issued->sn);
    BOOST_TEST(ca::verify_audit(store.reader()).ok);

    // A batch whose caller's writes fail rolls its audit entries back with the certificates.
    ca::issue_request renew = req;
    renew.audit.action = "emca-approve";
    std::promise<bool> failed;
    eng.issue_batch(
        {renew},
        [](storage::connection&, const std::vector<ca::issued_certificate>&) {
            throw std::runtime_error("caller's write failed");
        },
        [&](ca::result<std::vector<ca::issued_certificate>> r) { failed.set_value(!r.ok()); });
    BOOST_TEST(failed.get_future().get());
    BOOST_TEST(storage::audit_tail(store.reader(), 10).size() == 2u);

    std::promise<bool> ok;
    eng.issue_batch({renew}, {}, [&](ca::result<std::vector<ca::issued_certificate>> r) {
        ok.set_value(r.ok());
    });
    BOOST_TEST(ok.get_future().get());
    const auto after = storage::audit_tail(store.reader(), 1);
    BOOST_REQUIRE(after.size() == 1u);
    BOOST_TEST(after[0].action == "emca-approve");
    BOOST_TEST(ca::verify_audit(store.reader()).ok);
}

BOOST_AUTO_TEST_SUITE_END()
