// emCA users' AES keys at rest: a context per user name, and the resealer that seals the clear key
// a pre-schema-5 database left behind into its user row at the first open of the sealing key.
#include "ca/emca/aes_key_secret.hpp"

#include "ca/sealing_key.hpp"
#include "ca/secret_box.hpp"
#include "storage/emca/api_user_repository.hpp"
#include "storage/unsealed_secret_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_AUTO_TEST_SUITE(ca_emca_aes_key_secret)

BOOST_AUTO_TEST_CASE(each_user_has_its_own_context) {
    BOOST_TEST(ca::emca::aes_key_context("alice") == "emca-aes-key:alice");
    BOOST_TEST(ca::emca::aes_key_context("alice") != ca::emca::aes_key_context("bob"));
}

BOOST_AUTO_TEST_CASE(an_old_clear_key_is_sealed_into_its_row) {
    test::temp_store t;
    auto& store = t.store;
    const std::vector<std::uint8_t> clear_key(32, 0x4b);
    store.writer().run([&](storage::connection& db) {
        // Designated: GCC 12 warns (-Wrestrict, bug 105651) on short literals assigned here.
        const storage::emca::api_user_row u{.user_name = "alice",
                                            .password_hash = "h",
                                            .api_key = "k",
                                            .aes_key_sealed = {0},
                                            .aes_mode = "GCM",
                                            .allowed_ips = "127.0.0.1",
                                            .signer_cert = {0x30, 0x00}};
        bool changed = false;
        const auto id = storage::emca::upsert_api_user(db, u, &changed);
        storage::statement_handle q(db, "INSERT INTO unsealed_secrets (kind, row_id, value) "
                                        "VALUES (?, ?, ?)");
        q->bind(1, storage::emca::k_unsealed_aes_key);
        q->bind(2, id);
        q->bind_blob(3, clear_key);
        q->exec();
    });
    ca::emca::register_aes_key_resealer();
    const auto box = ca::open_sealing_key(store, "pass");
    const auto row = storage::emca::find_api_user(store.reader(), "alice");
    BOOST_TEST_REQUIRE(row.has_value());
    const auto opened = box->open(row->aes_key_sealed, ca::emca::aes_key_context("alice"));
    BOOST_TEST(std::vector<std::uint8_t>(opened.begin(), opened.end()) == clear_key,
               boost::test_tools::per_element());
    BOOST_TEST(storage::list_unsealed_secrets(store.reader()).empty());
}

BOOST_AUTO_TEST_SUITE_END()
