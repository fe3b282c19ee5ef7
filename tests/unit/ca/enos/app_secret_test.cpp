// EnOS app secrets at rest: a context per app key, and the resealer that seals the clear secret
// a pre-schema-5 database left behind into its app row at the first open of the sealing key.
#include "ca/enos/app_secret.hpp"

#include "ca/sealing_key.hpp"
#include "ca/secret_box.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "storage/unsealed_secret_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_AUTO_TEST_SUITE(ca_enos_app_secret)

BOOST_AUTO_TEST_CASE(each_app_has_its_own_context) {
    BOOST_TEST(ca::enos::app_secret_context("ak-1") == "enos-app-secret:ak-1");
    BOOST_TEST(ca::enos::app_secret_context("ak-1") != ca::enos::app_secret_context("ak-2"));
}

BOOST_AUTO_TEST_CASE(an_old_clear_secret_is_sealed_into_its_row) {
    test::temp_store t;
    auto& store = t.store;
    std::int64_t app = 0;
    store.writer().run([&](storage::connection& db) {
        const auto org = storage::enos::upsert_org(db, "o1");
        app = storage::enos::upsert_app(db, org, "ak-1", {0});
        storage::statement_handle q(db, "INSERT INTO unsealed_secrets (kind, row_id, value) "
                                        "VALUES (?, ?, CAST('sk-clear' AS BLOB))");
        q->bind(1, storage::enos::k_unsealed_app_secret);
        q->bind(2, app);
        q->exec();
    });
    ca::enos::register_app_secret_resealer();
    const auto box = ca::open_sealing_key(store, "pass");
    const auto row = storage::enos::find_app(store.reader(), "ak-1");
    BOOST_TEST_REQUIRE(row.has_value());
    BOOST_TEST(ca::open_text(*box, row->app_secret_sealed, ca::enos::app_secret_context("ak-1")) ==
               "sk-clear");
    BOOST_TEST(storage::list_unsealed_secrets(store.reader()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
