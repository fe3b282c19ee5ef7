// The server's offset clock follows the time travel offset the CLI stores in the database: at
// once with poll_once, and from the polling thread within its interval.
#include "server/lab/clock_sync.hpp"

#include "ca/clock.hpp"
#include "storage/lab_state_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <thread>

using namespace localca;
using namespace std::chrono_literals;

namespace {

struct sync_fixture : test::temp_store {
    std::shared_ptr<ca::settable_clock> base = std::make_shared<ca::settable_clock>(
        ca::clock::time_point(std::chrono::seconds(2'000'000'000)));
    std::shared_ptr<ca::offset_clock> clock = std::make_shared<ca::offset_clock>(base);
    void store_offset(std::int64_t seconds) {
        store.writer().run([&](storage::connection& db) {
            storage::write_lab_enabled(db, true);
            storage::write_lab_offset(db, seconds);
        });
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(server_lab_clock_sync, sync_fixture)

BOOST_AUTO_TEST_CASE(poll_once_applies_the_stored_offset) {
    server::lab::clock_sync sync(store, clock);
    sync.poll_once();
    BOOST_TEST((clock->now() == base->now()));
    store_offset(86400);
    sync.poll_once();
    BOOST_TEST((clock->now() == base->now() + 24h));
    BOOST_TEST((clock->real_now() == base->now()));
    store_offset(-3600);
    sync.poll_once();
    BOOST_TEST((clock->offset() == -1h));
}

BOOST_AUTO_TEST_CASE(the_polling_thread_follows_within_its_interval) {
    server::lab::clock_sync sync(store, clock, 20ms);
    sync.start();
    store_offset(30 * 86400);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (clock->offset() != std::chrono::hours(24 * 30) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(5ms);
    }
    BOOST_TEST((clock->offset() == std::chrono::hours(24 * 30)));
    sync.stop();
    sync.stop(); // idempotent, as the destructor calls it again
    store_offset(0);
    std::this_thread::sleep_for(100ms);
    BOOST_TEST((clock->offset() == std::chrono::hours(24 * 30))); // stopped: no more polls
}

BOOST_AUTO_TEST_SUITE_END()
