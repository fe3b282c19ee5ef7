// ca::k_argon2id: the one Argon2id cost, used by the password hashes and the sealing key.
#include "ca/argon2id.hpp"
#include "ca/emca/password.hpp"
#include "ca/sealing_key.hpp"
#include "storage/sealing_key_repository.hpp"
#include "storage/store.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace localca;

BOOST_AUTO_TEST_SUITE(argon2id)

BOOST_AUTO_TEST_CASE(password_hashes_carry_the_shared_cost) {
    const auto hash = ca::emca::hash_password("pw");
    const auto params = "$argon2id$v=19$m=" + std::to_string(ca::k_argon2id.memory_kib) +
                        ",t=" + std::to_string(ca::k_argon2id.passes) +
                        ",p=" + std::to_string(ca::k_argon2id.lanes) + "$";
    BOOST_TEST(hash.rfind(params, 0) == 0u, hash);
    BOOST_TEST(ca::emca::verify_password("pw", hash));
    BOOST_TEST(!ca::emca::verify_password("px", hash));
}

BOOST_AUTO_TEST_CASE(the_sealing_key_is_wrapped_with_the_shared_cost) {
    localca::test::temp_dir dir;
    storage::options opts;
    opts.path = dir / "localca.db";
    opts.durable = false;
    storage::store store(opts);
    BOOST_REQUIRE(ca::open_sealing_key(store, "passphrase"));
    const auto row = storage::find_sealing_key(store.reader());
    BOOST_REQUIRE(row);
    BOOST_TEST(row->kdf_memory_kib == static_cast<std::int64_t>(ca::k_argon2id.memory_kib));
    BOOST_TEST(row->kdf_passes == static_cast<std::int64_t>(ca::k_argon2id.passes));
    BOOST_TEST(row->kdf_lanes == static_cast<std::int64_t>(ca::k_argon2id.lanes));
}

BOOST_AUTO_TEST_SUITE_END()
