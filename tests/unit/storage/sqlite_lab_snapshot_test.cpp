// Lab restore into a live database through the writer's connection: the snapshot's rows come
// back, readers on other connections see the whole new state, and the serial sequence and CRL
// numbers never go back.
#include "storage/sqlite_lab_snapshot.hpp"

#include "storage/backup.hpp"
#include "storage/connection.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "storage/serial_sequence.hpp"
#include "storage/sql_helpers.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_AUTO_TEST_SUITE(storage_sqlite_lab_snapshot)

BOOST_AUTO_TEST_CASE(restores_rows_and_keeps_serials_and_crl_numbers_growing) {
    test::temp_dir dir;
    storage::options o;
    o.path = dir / "live.db";
    storage::store store(o);
    store.writer().run([](storage::connection& db) {
        storage::enos::upsert_org(db, "kept");
        storage::reserve_serials(db, 10);
        storage::statement_handle a(db, "INSERT INTO authorities (name, cert_der, crl_number) "
                                        "VALUES ('RSA', x'00', 3)");
        a->exec();
    });
    storage::backup_database(o.path, dir / "snap.db");
    std::int64_t high_water = 0;
    store.writer().run([&](storage::connection& db) {
        storage::enos::upsert_org(db, "gone");
        storage::reserve_serials(db, 1000);
        storage::statement_handle q(db, "UPDATE authorities SET crl_number = 77, revocations = 5");
        q->exec();
        high_water = storage::sql::query_int64(db, "SELECT next_free FROM serial_sequence");
    });

    storage::lab_restore_outcome seen{};
    bool also_ran = false;
    store.writer().run_alone([&](storage::connection& db) {
        storage::restore_database_into(db, dir / "snap.db",
                                       [&](storage::connection& tx, const auto& o) {
                                           also_ran = tx.in_transaction();
                                           seen = o;
                                       });
    });
    BOOST_TEST(also_ran);
    // A reader of another connection sees the restored state.
    auto& r = store.reader();
    BOOST_TEST(storage::sql::query_int64(r, "SELECT count(*) FROM orgs WHERE org_id = 'gone'") ==
               0);
    BOOST_TEST(storage::sql::query_int64(r, "SELECT count(*) FROM orgs WHERE org_id = 'kept'") ==
               1);
    BOOST_TEST(storage::sql::query_int64(r, "SELECT next_free FROM serial_sequence") == high_water);
    BOOST_TEST(seen.next_serial == high_water);
    BOOST_TEST(storage::sql::query_int64(r, "SELECT min(crl_number) FROM authorities") == 77);
    BOOST_TEST(storage::sql::query_int64(r, "SELECT min(revocations) FROM authorities") == 6);
    BOOST_TEST(storage::sql::query_string(r, "PRAGMA integrity_check") == "ok");

    // A missing snapshot changes nothing.
    BOOST_CHECK_THROW(store.writer().run_alone([&](storage::connection& db) {
        storage::restore_database_into(db, dir / "missing.db");
    }),
                      std::runtime_error);
    BOOST_TEST(storage::count_certificates_in(o.path) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
