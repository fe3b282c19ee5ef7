// The token bucket of server/core: burst, refill, per-key isolation, bounded memory, threads.
#include "server/core/rate_limiter.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace localca::server;
using namespace std::chrono_literals;

namespace {

const rate_limiter::clock::time_point t0{}; // a fixed "now" the tests move by hand

int allowed_calls(rate_limiter& l, const std::string& key, int tries,
                  rate_limiter::clock::time_point now) {
    int n = 0;
    for (int i = 0; i < tries; ++i) {
        n += l.acquire(key, now).allowed ? 1 : 0;
    }
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(rate_limiter_tests)

BOOST_AUTO_TEST_CASE(off_by_default_allows_everything_and_keeps_nothing) {
    rate_limiter l(rate_limiter::settings{});
    BOOST_TEST(!l.enabled());
    BOOST_TEST(allowed_calls(l, "k", 10000, t0) == 10000);
    BOOST_TEST(l.size() == 0u);
}

BOOST_AUTO_TEST_CASE(burst_then_refused_with_retry_after) {
    rate_limiter l({.per_second = 2, .burst = 5});
    BOOST_TEST(l.enabled());
    BOOST_TEST(allowed_calls(l, "k", 5, t0) == 5);
    const auto d = l.acquire("k", t0);
    BOOST_TEST(!d.allowed);
    BOOST_TEST(d.retry_after.count() == 1); // 0.5 s to the next token, rounded up
}

BOOST_AUTO_TEST_CASE(refills_at_the_rate_and_never_beyond_the_burst) {
    rate_limiter l({.per_second = 10, .burst = 3});
    BOOST_TEST(allowed_calls(l, "k", 3, t0) == 3);
    BOOST_TEST(!l.acquire("k", t0).allowed);
    // 100 ms = one token.
    BOOST_TEST(l.acquire("k", t0 + 100ms).allowed);
    BOOST_TEST(!l.acquire("k", t0 + 100ms).allowed);
    // 250 ms later: 2.5 tokens, so two calls.
    BOOST_TEST(allowed_calls(l, "k", 5, t0 + 350ms) == 2);
    // An hour idle refills to the burst only.
    BOOST_TEST(allowed_calls(l, "k", 10, t0 + 1h) == 3);
}

BOOST_AUTO_TEST_CASE(sustained_rate_matches_per_second) {
    rate_limiter l({.per_second = 50, .burst = 100});
    int n = 0;
    // 10 s of one call attempt per millisecond: burst + 10 s x 50/s.
    for (int ms = 0; ms < 10000; ++ms) {
        n += l.acquire("k", t0 + std::chrono::milliseconds(ms)).allowed ? 1 : 0;
    }
    BOOST_TEST(n >= 598);
    BOOST_TEST(n <= 601);
}

BOOST_AUTO_TEST_CASE(keys_have_their_own_buckets) {
    rate_limiter l({.per_second = 1, .burst = 2});
    BOOST_TEST(allowed_calls(l, "app:a", 5, t0) == 2);
    BOOST_TEST(allowed_calls(l, "app:b", 5, t0) == 2);
    BOOST_TEST(!l.acquire("app:a", t0).allowed);
    BOOST_TEST(l.size() == 2u);
}

BOOST_AUTO_TEST_CASE(burst_zero_means_per_second_rounded_up) {
    rate_limiter l({.per_second = 2.5, .burst = 0});
    BOOST_TEST(l.burst() == 3.0);
    BOOST_TEST(allowed_calls(l, "k", 10, t0) == 3);
    rate_limiter slow({.per_second = 0.1, .burst = 0});
    BOOST_TEST(slow.burst() == 1.0);
    BOOST_TEST(allowed_calls(slow, "k", 10, t0) == 1);
    BOOST_TEST(slow.acquire("k", t0).retry_after.count() == 10);
}

BOOST_AUTO_TEST_CASE(bad_settings_are_rejected) {
    BOOST_CHECK_THROW(rate_limiter({.per_second = -1}), std::invalid_argument);
    BOOST_CHECK_THROW(rate_limiter({.per_second = 1, .burst = -1}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(memory_is_bounded_and_the_least_recently_used_key_goes) {
    rate_limiter l({.per_second = 1, .burst = 1, .max_keys = 100});
    for (int i = 0; i < 10000; ++i) {
        l.acquire("ip:" + std::to_string(i), t0);
        BOOST_REQUIRE(l.size() <= 100u);
    }
    BOOST_TEST(l.size() == 100u);
    // The newest keys are still limited...
    BOOST_TEST(!l.acquire("ip:9999", t0).allowed);
    // ...a key kept in use survives churn...
    BOOST_TEST(l.acquire("hot", t0).allowed);
    for (int i = 0; i < 99; ++i) {
        l.acquire("cold:" + std::to_string(i), t0);
    }
    BOOST_TEST(!l.acquire("hot", t0).allowed); // still there, touched: now most recent
    for (int i = 0; i < 99; ++i) {
        l.acquire("colder:" + std::to_string(i), t0);
    }
    BOOST_TEST(!l.acquire("hot", t0).allowed);
    // ...and an evicted key comes back with a full bucket.
    BOOST_TEST(l.acquire("ip:0", t0).allowed);
}

BOOST_AUTO_TEST_CASE(concurrent_callers_never_get_more_than_the_burst) {
    rate_limiter l({.per_second = 0.001, .burst = 1000});
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 500; ++i) {
                if (l.acquire(i % 2 ? "shared" : "own" + std::to_string(t)).allowed) {
                    ++allowed;
                }
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    // "shared": 8 x 250 attempts, 1000 tokens (plus at most a token of refill); "ownN": 250 each.
    BOOST_TEST(allowed.load() >= 1000 + 8 * 250);
    BOOST_TEST(allowed.load() <= 1001 + 8 * 250);
}

BOOST_AUTO_TEST_SUITE_END()
