// The sealing key under the CA passphrase: made once, refused under another passphrase, rotated
// without changing the data key; a pre-schema-5 database's clear secrets sealed back by the
// resealer of their kind at the first open, and an unknown kind refused.
#include "ca/sealing_key.hpp"

#include "ca/secret_box.hpp"
#include "storage/sealing_key_repository.hpp"
#include "storage/store.hpp"
#include "storage/unsealed_secret_repository.hpp"
#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <stdexcept>

using namespace localca;

BOOST_AUTO_TEST_SUITE(ca_sealing_key)

BOOST_AUTO_TEST_CASE(the_sealing_key_is_made_once_and_needs_the_passphrase) {
    test::temp_store t;
    auto& store = t.store;
    const auto first = ca::open_sealing_key(store, "pass-1");
    const auto sealed = ca::seal_text(*first, "sk-1", "c");
    const auto again = ca::open_sealing_key(store, "pass-1"); // a restart
    BOOST_TEST(ca::open_text(*again, sealed, "c") == "sk-1");
    BOOST_CHECK_THROW(ca::open_sealing_key(store, "pass-2"), std::runtime_error);
    // The stored row holds neither the passphrase nor the data key in clear.
    const auto row = storage::find_sealing_key(store.reader());
    BOOST_TEST_REQUIRE(row.has_value());
    BOOST_TEST(row->salt.size() == 16u);
    BOOST_TEST(row->kdf_memory_kib > 0);
}

BOOST_AUTO_TEST_CASE(rotation_rewraps_the_same_data_key) {
    test::temp_store t;
    auto& store = t.store;
    const auto box = ca::open_sealing_key(store, "old");
    const auto sealed = ca::seal_text(*box, "sk-1", "c");
    BOOST_TEST(ca::rewrap_sealing_key(store, "old", "new"));
    BOOST_CHECK_THROW(ca::open_sealing_key(store, "old"), std::runtime_error);
    BOOST_TEST(ca::open_text(*ca::open_sealing_key(store, "new"), sealed, "c") == "sk-1");
    // Run again (a rotation stopped halfway): nothing to do.
    BOOST_TEST(!ca::rewrap_sealing_key(store, "old", "new"));
    BOOST_CHECK_THROW(ca::rewrap_sealing_key(store, "wrong", "other"), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ca_sealing_key_resealers)

BOOST_AUTO_TEST_CASE(clear_secrets_are_sealed_by_their_kinds_resealer_then_cleared) {
    test::temp_store t;
    auto& store = t.store;
    store.writer().run([](storage::connection& db) {
        db.exec_script("INSERT INTO unsealed_secrets (kind, row_id, value) VALUES "
                       "('test-kind', 7, x'736b2d37'), ('test-kind', 8, x'736b2d38')");
    });
    std::map<std::int64_t, std::string> resealed;
    ca::register_resealer("test-kind", [&](storage::connection&, const ca::secret_box& box,
                                           std::int64_t row, const std::vector<std::uint8_t>& v) {
        // What a module does: seal the clear value under its own context, here opened again.
        resealed[row] = ca::open_text(box, box.seal(v, "ctx"), "ctx");
    });
    ca::open_sealing_key(store, "pass");
    BOOST_TEST(resealed.size() == 2u);
    BOOST_TEST(resealed[7] == "sk-7");
    BOOST_TEST(resealed[8] == "sk-8");
    BOOST_TEST(storage::list_unsealed_secrets(store.reader()).empty());
    // Done once: the next start has nothing to reseal.
    resealed.clear();
    ca::open_sealing_key(store, "pass");
    BOOST_TEST(resealed.empty());
}

BOOST_AUTO_TEST_CASE(a_kind_no_module_registered_is_refused) {
    test::temp_store t;
    auto& store = t.store;
    store.writer().run([](storage::connection& db) {
        db.exec_script(
            "INSERT INTO unsealed_secrets (kind, row_id, value) VALUES ('nobody', 1, x'00')");
    });
    const auto message = test::error_of([&] { ca::open_sealing_key(store, "pass"); });
    BOOST_TEST(message.find("unknown kind 'nobody'") != std::string::npos, message);
    BOOST_TEST(storage::list_unsealed_secrets(store.reader()).size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
