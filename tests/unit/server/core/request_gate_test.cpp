// The admission gate of server/core: open admission, a run alone that waits for the requests in
// flight and parks new ones, the drain timeout, two exclusive runs at once, and exceptions.
#include "server/core/request_gate.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

using namespace localca::server;
using namespace std::chrono_literals;

namespace {

// Admits a request and keeps its ticket (as a handler's request_context does).
std::shared_ptr<request_gate::ticket> admit_now(request_gate& gate) {
    std::shared_ptr<request_gate::ticket> kept;
    gate.admit([&kept](auto t) { kept = std::move(t); });
    return kept;
}

} // namespace

BOOST_AUTO_TEST_SUITE(request_gate_tests)

BOOST_AUTO_TEST_CASE(open_gate_admits_at_once_and_counts_until_release) {
    auto gate = std::make_shared<request_gate>();
    auto a = admit_now(*gate);
    auto b = admit_now(*gate);
    BOOST_REQUIRE(a && b);
    BOOST_TEST(gate->in_flight() == 2u);
    a->release();
    a->release(); // idempotent
    BOOST_TEST(gate->in_flight() == 1u);
    b.reset(); // destruction releases too
    BOOST_TEST(gate->in_flight() == 0u);
}

BOOST_AUTO_TEST_CASE(exclusive_waits_for_requests_in_flight_and_parks_new_ones) {
    auto gate = std::make_shared<request_gate>();
    auto own = admit_now(*gate);
    auto other = admit_now(*gate);
    std::atomic<bool> ran{false};
    std::atomic<bool> other_answered{false};
    std::atomic<bool> other_done_before_run{false};
    std::vector<int> order;
    std::mutex order_mutex;
    auto exclusive = std::async(std::launch::async, [&] {
        return gate->run_exclusive(own.get(), 5s, [&] {
            other_done_before_run = other_answered.load();
            ran = true;
            std::lock_guard lock(order_mutex);
            order.push_back(0);
        });
    });
    // Until `other` finishes, the exclusive function must not run, and the gate is closed:
    // a new request is parked, not started.
    while (gate->in_flight() != 1u) {
        std::this_thread::sleep_for(1ms);
    }
    std::this_thread::sleep_for(50ms);
    BOOST_TEST(!ran.load());
    std::shared_ptr<request_gate::ticket> late;
    gate->admit([&](auto t) {
        std::lock_guard lock(order_mutex);
        order.push_back(1);
        late = std::move(t);
    });
    {
        std::lock_guard lock(order_mutex);
        BOOST_TEST(order.empty()); // parked
    }
    other_answered = true;
    other.reset(); // the request in flight answers
    BOOST_TEST(exclusive.get());
    BOOST_TEST(ran.load());
    BOOST_TEST(other_done_before_run.load());
    // The parked request started after the exclusive run, and counts as in flight.
    BOOST_TEST(order == (std::vector<int>{0, 1}));
    BOOST_REQUIRE(late);
    BOOST_TEST(gate->in_flight() == 1u);
}

BOOST_AUTO_TEST_CASE(exclusive_gives_up_after_the_drain_time_and_reopens) {
    auto gate = std::make_shared<request_gate>();
    auto stuck = admit_now(*gate);
    bool ran = false;
    BOOST_TEST(!gate->run_exclusive(nullptr, 30ms, [&] { ran = true; }));
    BOOST_TEST(!ran);
    auto next = admit_now(*gate); // open again: admitted at once
    BOOST_TEST(next != nullptr);
    BOOST_TEST(gate->in_flight() == 2u);
}

BOOST_AUTO_TEST_CASE(two_exclusive_requests_run_one_after_the_other) {
    auto gate = std::make_shared<request_gate>();
    auto a = admit_now(*gate);
    auto b = admit_now(*gate);
    std::atomic<int> running{0};
    std::atomic<int> max_running{0};
    const auto body = [&] {
        const int now = ++running;
        max_running = std::max(max_running.load(), now);
        std::this_thread::sleep_for(20ms);
        --running;
    };
    // Each holds its own ticket: had they waited for each other's, both would time out.
    auto ra =
        std::async(std::launch::async, [&] { return gate->run_exclusive(a.get(), 5s, body); });
    auto rb =
        std::async(std::launch::async, [&] { return gate->run_exclusive(b.get(), 5s, body); });
    BOOST_TEST(ra.get());
    BOOST_TEST(rb.get());
    BOOST_TEST(max_running.load() == 1);
    BOOST_TEST(gate->in_flight() == 0u);
}

BOOST_AUTO_TEST_CASE(an_exception_reopens_the_gate_and_propagates) {
    auto gate = std::make_shared<request_gate>();
    BOOST_CHECK_THROW(gate->run_exclusive(nullptr, 1s, [] { throw std::runtime_error("boom"); }),
                      std::runtime_error);
    BOOST_TEST(admit_now(*gate) != nullptr);
}

BOOST_AUTO_TEST_SUITE_END()
