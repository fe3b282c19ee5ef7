// The pool of server-made RSA keys: RSA-2048, never handed out twice, filled in the background
// only once started, and without a pool (size 0) generated on the calling thread.
#include "ca/foundry/key_pool.hpp"

#include <botan/rsa.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <set>
#include <thread>

using namespace localca::ca::foundry;

namespace {

bool wait_until_ready(const key_pool& pool, std::size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (pool.ready() < n) {
        if (std::chrono::steady_clock::now() > deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_foundry_key_pool)

BOOST_AUTO_TEST_CASE(without_a_pool_keys_are_made_on_demand) {
    key_pool pool(0);
    pool.start();
    BOOST_TEST(pool.capacity() == 0u);
    const auto a = pool.take();
    const auto b = pool.take();
    BOOST_TEST_REQUIRE((a && b));
    BOOST_TEST(a->key_length() == 2048u);
    BOOST_TEST(a->get_n() != b->get_n());
    BOOST_TEST(pool.ready() == 0u);
}

BOOST_AUTO_TEST_CASE(the_pool_fills_once_started_and_never_repeats_a_key) {
    key_pool pool(2);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    BOOST_TEST(pool.ready() == 0u); // no CPU spent before a use
    pool.start();
    pool.start(); // idempotent
    BOOST_TEST_REQUIRE(wait_until_ready(pool, 2));
    BOOST_TEST(pool.ready() == 2u); // never above its size
    std::set<Botan::BigInt> moduli;
    for (int i = 0; i < 4; ++i) {
        const auto key = pool.take();
        BOOST_TEST(key->key_length() == 2048u);
        moduli.insert(key->get_n());
    }
    BOOST_TEST(moduli.size() == 4u);
    // Refilled after being drained.
    BOOST_TEST(wait_until_ready(pool, 2));
}

BOOST_AUTO_TEST_SUITE_END()
