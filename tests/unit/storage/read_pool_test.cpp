// storage/read_pool against a real PostgreSQL server (the throw-away cluster of
// tests/support/pg_cluster.py, LOCALCA_TEST_PG_URL; ctest -L postgres): storage.postgres.poolSize
// bounds the server connections a store's readers hold, whatever the number of reading threads.
#include "storage/read_pool.hpp"

#include "storage/store.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

using namespace localca;
using namespace localca::storage;

namespace {

const char* pool_test_url() {
    const char* v = std::getenv("LOCALCA_TEST_PG_URL");
    return v != nullptr && *v != '\0' ? v : nullptr;
}

boost::test_tools::assertion_result pool_server_given(boost::unit_test::test_unit_id) {
    if (pool_test_url() != nullptr) {
        return true;
    }
    std::cerr << "\n*** SKIPPED: the read pool's tests: LOCALCA_TEST_PG_URL is unset. Run them "
                 "with a real server: ctest -L postgres (tests/support/pg_cluster.py) ***\n\n";
    boost::test_tools::assertion_result r(false);
    r.message() << "LOCALCA_TEST_PG_URL unset";
    return r;
}

options pool_options(std::size_t size, std::chrono::milliseconds timeout) {
    options o;
    o.backend = backend::postgres;
    o.postgres.url = pool_test_url();
    o.postgres.pool_size = size;
    o.postgres.statement_timeout = timeout;
    return o;
}

// Sessions of this cluster's database that LocalCA opened (application_name 'localca'),
// counted by the server itself, the observer's own session aside.
std::int64_t localca_sessions(connection& observer) {
    auto q = observer.prepare("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                              "current_database() AND application_name = 'localca' AND "
                              "pid <> pg_backend_pid()");
    BOOST_REQUIRE(q->step());
    return q->get_int64(0);
}

} // namespace

BOOST_AUTO_TEST_SUITE(postgres_read_pool, *boost::unit_test::precondition(pool_server_given))

BOOST_AUTO_TEST_CASE(pool_size_caps_the_server_connections_of_many_reading_threads) {
    constexpr std::size_t pool_size = 3;
    constexpr int threads = 12;
    auto observer = open_connection(pool_options(1, std::chrono::milliseconds(5000)));
    const std::int64_t before = localca_sessions(*observer);
    {
        store s(pool_options(pool_size, std::chrono::milliseconds(10000)));
        std::atomic<int> running{0};
        std::atomic<int> most_running{0};
        std::atomic<int> done{0};
        std::atomic<bool> stop_watching{false};
        std::atomic<std::int64_t> most_sessions{0};
        // Watches the server's own count while the readers run.
        std::thread watcher([&] {
            while (!stop_watching) {
                const auto n = localca_sessions(*observer) - before;
                most_sessions = std::max<std::int64_t>(most_sessions, n);
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
        std::vector<std::thread> readers;
        for (int t = 0; t < threads; ++t) {
            readers.emplace_back([&, t] {
                connection& db = s.reader();
                for (int i = 0; i < 4; ++i) {
                    statement_handle q(db, "SELECT ? + 0 FROM (SELECT pg_sleep(0.03)) AS nap");
                    q->bind(1, t);
                    const int now = ++running;
                    most_running = std::max(most_running.load(), now);
                    const bool row = q->step();
                    const bool right = row && q->get_int64(0) == t;
                    --running;
                    if (right) {
                        ++done;
                    }
                }
            });
        }
        for (auto& r : readers) {
            r.join();
        }
        stop_watching = true;
        watcher.join();
        BOOST_TEST(done == threads * 4);
        // Every thread read, yet the readers never held more than pool_size server sessions
        // (the writer holds one more).
        BOOST_TEST(s.pooled_readers() <= pool_size);
        BOOST_TEST(most_sessions <= static_cast<std::int64_t>(pool_size + 1));
        BOOST_TEST(most_sessions >= 2); // the readers did overlap
        BOOST_TEST(most_running >= 2);
    }
    // The store closed them all (a backend leaves pg_stat_activity shortly after the client
    // hung up, not at once).
    auto left = localca_sessions(*observer);
    for (int i = 0; i < 100 && left != before; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        left = localca_sessions(*observer);
    }
    BOOST_TEST(left == before);
}

BOOST_AUTO_TEST_CASE(a_thread_reuses_its_borrowed_connection_and_others_wait) {
    read_pool pool(pool_options(1, std::chrono::milliseconds(300)));
    pooled_connection mine(pool);
    pooled_connection theirs(pool);
    {
        // Nested statements of one thread share its one borrowed connection: no self-deadlock
        // with a pool of one.
        statement_handle outer(mine, "SELECT generate_series(1, 2)");
        BOOST_TEST(outer->step());
        statement_handle inner(mine, "SELECT 40 + 2");
        BOOST_REQUIRE(inner->step());
        BOOST_TEST(inner->get_int64(0) == 42);
        BOOST_TEST(pool.opened() == 1U);
        // Another thread's connection waits for it, at most the statement timeout.
        std::atomic<bool> unavailable{false};
        std::thread other([&] {
            try {
                statement_handle q(theirs, "SELECT 1");
            } catch (const database_error& e) {
                unavailable = e.which() == database_error::category::unavailable;
            }
        });
        other.join();
        BOOST_TEST(unavailable.load());
    }
    // Given back when the statements went away: the other connection gets it now.
    statement_handle q(theirs, "SELECT 7");
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_int64(0) == 7);
    BOOST_TEST(pool.opened() == 1U);
}

BOOST_AUTO_TEST_CASE(a_read_transaction_keeps_its_connection_and_snapshot) {
    read_pool pool(pool_options(2, std::chrono::milliseconds(2000)));
    pooled_connection reader(pool);
    auto writer = open_connection(pool_options(1, std::chrono::milliseconds(2000)));
    writer->exec_script("DROP TABLE IF EXISTS rp; CREATE TABLE rp (id BIGINT)");
    const auto count = [&] {
        statement_handle q(reader, "SELECT count(*) FROM rp");
        BOOST_REQUIRE(q->step());
        return q->get_int64(0);
    };
    reader.begin_read();
    BOOST_TEST(reader.in_transaction());
    BOOST_TEST(count() == 0);
    writer->exec_script("INSERT INTO rp VALUES (1)");
    BOOST_TEST(count() == 0); // the same connection, the same snapshot, between statements
    reader.commit();
    BOOST_TEST(!reader.in_transaction());
    BOOST_TEST(count() == 1);
    BOOST_CHECK_THROW(reader.begin_write(), database_error);
}

BOOST_AUTO_TEST_SUITE_END()
