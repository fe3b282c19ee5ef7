// The clocks themselves: settable (tests), offset (the lab's time travel), real.
#include "ca/clock.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>
#include <vector>

namespace ca = localca::ca;
using namespace std::chrono_literals;

namespace {

ca::clock::time_point at_unix(std::int64_t s) {
    return ca::clock::time_point(std::chrono::seconds(s));
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_clock)

BOOST_AUTO_TEST_CASE(settable_clock_stands_still_until_set_or_advanced) {
    ca::settable_clock c(at_unix(1'700'000'000));
    BOOST_CHECK(c.now() == at_unix(1'700'000'000));
    BOOST_CHECK(c.now() == c.now());
    BOOST_CHECK_EQUAL(c.now_unix(), 1'700'000'000);
    BOOST_CHECK_EQUAL(c.now_ms(), 1'700'000'000'000);

    c.advance(90s);
    BOOST_CHECK_EQUAL(c.now_unix(), 1'700'000'090);
    BOOST_CHECK(c.real_now() == c.now()); // not shifted: one time
    c.advance(1500ms);
    BOOST_CHECK_EQUAL(c.now_ms(), 1'700'000'091'500);
    BOOST_CHECK_EQUAL(c.now_unix(), 1'700'000'091); // whole seconds, rounded down
    c.set(at_unix(2'000'000'000));
    BOOST_CHECK_EQUAL(c.now_unix(), 2'000'000'000);
    c.advance(-std::chrono::hours(24));
    BOOST_CHECK_EQUAL(c.now_unix(), 2'000'000'000 - 86400);
}

BOOST_AUTO_TEST_CASE(offset_clock_follows_its_base_shifted_by_the_offset) {
    auto base = std::make_shared<ca::settable_clock>(at_unix(1'000'000));
    ca::offset_clock c(base);
    BOOST_CHECK(c.now() == base->now());
    BOOST_CHECK(c.offset() == ca::clock::duration::zero());

    c.advance(std::chrono::hours(24 * 30)); // "advance 30d"
    BOOST_CHECK_EQUAL(c.now_unix(), 1'000'000 + 30 * 86400);
    BOOST_CHECK(c.real_now() == base->now()); // the clients' time does not travel
    base->advance(10s); // real time goes on under the offset
    BOOST_CHECK_EQUAL(c.now_unix(), 1'000'010 + 30 * 86400);

    c.set(at_unix(5'000'000)); // "set <date>"
    BOOST_CHECK_EQUAL(c.now_unix(), 5'000'000);
    BOOST_CHECK(c.offset() == std::chrono::seconds(5'000'000 - 1'000'010));
    base->advance(5s);
    BOOST_CHECK_EQUAL(c.now_unix(), 5'000'005);

    c.set_offset(-1h);
    BOOST_CHECK_EQUAL(c.now_unix(), 1'000'015 - 3600);

    c.reset();
    BOOST_CHECK(c.now() == base->now());
    BOOST_CHECK(c.offset() == ca::clock::duration::zero());

    ca::offset_clock started(base, 2h);
    BOOST_CHECK_EQUAL(started.now_unix(), base->now_unix() + 7200);
}

BOOST_AUTO_TEST_CASE(offset_clock_adjusts_atomically_under_concurrent_readers) {
    auto base = std::make_shared<ca::settable_clock>(at_unix(1'000'000));
    ca::offset_clock c(base);
    // Writers add +1 h and -1 h alternately; a reader must only ever see whole hours (a torn
    // or lost update would show as something else), and the sum must come back to zero.
    std::atomic<bool> bad{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&c, t] {
            for (int i = 0; i < 20000; ++i) {
                c.advance((i + t) % 2 == 0 ? 1h : -1h);
            }
        });
    }
    threads.emplace_back([&] {
        for (int i = 0; i < 20000; ++i) {
            if ((c.now() - base->now()) % 1h != ca::clock::duration::zero()) {
                bad = true;
            }
        }
    });
    for (auto& th : threads) {
        th.join();
    }
    BOOST_CHECK(!bad);
    BOOST_CHECK(c.offset() == ca::clock::duration::zero());
}

BOOST_AUTO_TEST_CASE(offset_clock_needs_a_base) {
    BOOST_CHECK_THROW(ca::offset_clock(nullptr), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(real_time_is_the_operating_system_time) {
    // Bracketed by the OS clock itself (the test is not under the lint): no sleeping, no
    // tolerance to pick.
    const auto before = std::chrono::system_clock::now();
    const auto t = ca::real_time()->now();
    const auto after = std::chrono::system_clock::now();
    BOOST_CHECK(before <= t);
    BOOST_CHECK(t <= after);
    BOOST_CHECK(ca::real_time() == ca::real_time()); // one instance
    ca::offset_clock lab; // real time by default
    BOOST_CHECK(lab.now() >= t);
}

BOOST_AUTO_TEST_SUITE_END()
