// The durable serial sequence: unique and increasing under concurrency, and never reused by a
// later (or concurrent) process, even one that follows a crash.
#include "storage/serial_sequence.hpp"

#include "storage/certificate_repository.hpp"
#include "storage/database.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include "storage/sql_helpers.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>
#include <vector>

using namespace localca;
using namespace localca::storage;

namespace {

struct serial_fixture {
    test::temp_dir dir;
    options opts;

    serial_fixture() { opts.path = dir / "ca.db"; }

    std::int64_t next_free() const {
        auto db = open_connection(opts);
        return storage::sql::query_int64(*db, "SELECT next_free FROM serial_sequence");
    }
};

certificate_row certificate_with_sn(std::int64_t sn) {
    certificate_row r;
    r.sn = sn;
    r.authority = "RSA";
    r.profile = "device";
    r.subject_der = {0x30, 0x00};
    r.spki_sha256 = std::vector<std::uint8_t>(32, 0xab);
    r.not_before = 1;
    r.not_after = 2;
    r.der = {0x30, 0x03, 0x01, 0x01, 0xff};
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_serial_sequence)

BOOST_FIXTURE_TEST_CASE(unique_and_increasing_across_threads, serial_fixture) {
    constexpr int threads = 8;
    constexpr int per_thread = 2000;
    opts.serial_block = 100; // many block reservations under contention
    store s(opts);
    serial_sequence serials(s, opts.serial_block);

    std::vector<std::vector<std::int64_t>> taken(threads);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            taken[t].reserve(per_thread);
            for (int i = 0; i < per_thread; ++i) {
                taken[t].push_back(serials.next());
            }
        });
    }
    for (auto& t : pool) {
        t.join();
    }

    std::set<std::int64_t> all;
    std::int64_t highest = 0;
    for (const auto& mine : taken) {
        // Strictly increasing: no neighbour pair with the second not above the first.
        const bool increasing =
            std::adjacent_find(mine.begin(), mine.end(), std::greater_equal<>()) == mine.end();
        BOOST_TEST(increasing);
        all.insert(mine.begin(), mine.end());
        highest = std::max(highest, mine.back());
    }
    BOOST_TEST(all.size() == std::size_t(threads * per_thread)); // no serial twice
    BOOST_TEST(*all.begin() > 0);
    // Every serial handed out lies in a block committed beforehand.
    BOOST_TEST(next_free() > highest);
}

BOOST_FIXTURE_TEST_CASE(one_thread_sees_strictly_increasing_serials, serial_fixture) {
    opts.serial_block = 7;
    store s(opts);
    serial_sequence serials(s, opts.serial_block);
    std::int64_t previous = 0;
    for (int i = 0; i < 100; ++i) {
        const auto sn = serials.next();
        BOOST_TEST(sn > previous);
        previous = sn;
    }
}

BOOST_FIXTURE_TEST_CASE(a_restart_starts_above_the_previous_block, serial_fixture) {
    std::vector<std::int64_t> first_run;
    std::int64_t reserved_up_to = 0;
    {
        store s(opts);
        serial_sequence serials(s, opts.serial_block);
        for (int i = 0; i < 3; ++i) {
            first_run.push_back(serials.next());
        }
        // Dropped with most of its block unused, as a crash would: the rest is never handed out.
        reserved_up_to = next_free();
    }
    BOOST_TEST(reserved_up_to >= first_run.back() + 1);
    BOOST_TEST(reserved_up_to - first_run.front() == opts.serial_block);

    store s(opts);
    serial_sequence serials(s, opts.serial_block);
    const auto after_restart = serials.next();
    BOOST_TEST(after_restart >= reserved_up_to);
    BOOST_TEST(after_restart > first_run.back());
}

BOOST_FIXTURE_TEST_CASE(two_processes_never_share_a_serial, serial_fixture) {
    // Two stores on one file stand for the server and the CLI running side by side.
    opts.serial_block = 10;
    store a(opts);
    store b(opts);
    serial_sequence from_a(a, opts.serial_block);
    serial_sequence from_b(b, opts.serial_block);
    std::vector<std::int64_t> sa;
    std::vector<std::int64_t> sb;
    std::thread ta([&] {
        for (int i = 0; i < 500; ++i) {
            sa.push_back(from_a.next());
        }
    });
    std::thread tb([&] {
        for (int i = 0; i < 500; ++i) {
            sb.push_back(from_b.next());
        }
    });
    ta.join();
    tb.join();
    std::set<std::int64_t> all(sa.begin(), sa.end());
    all.insert(sb.begin(), sb.end());
    BOOST_TEST(all.size() == 1000u);
}

BOOST_FIXTURE_TEST_CASE(reserve_serials_returns_disjoint_blocks, serial_fixture) {
    store s(opts);
    std::int64_t first = 0;
    std::int64_t second = 0;
    s.writer().run([&](storage::connection& db) {
        first = reserve_serials(db, 5);
        second = reserve_serials(db, 3);
    });
    BOOST_TEST(first > 0);
    BOOST_TEST(second >= first + 5);
    BOOST_TEST(next_free() >= second + 3);
}

BOOST_FIXTURE_TEST_CASE(reserve_serials_skips_serials_already_used, serial_fixture) {
    // A certificate whose sn is past next_free (a restored backup, a hand edit): the next block
    // must start above it rather than collide.
    store s(opts);
    const std::int64_t stray = next_free() + 5000;
    s.writer().run(
        [&](storage::connection& db) { insert_certificate(db, certificate_with_sn(stray)); });
    std::int64_t first = 0;
    s.writer().run([&](storage::connection& db) { first = reserve_serials(db, 10); });
    BOOST_TEST(first > stray);

    serial_sequence serials(s, 10);
    BOOST_TEST(serials.next() >= first + 10);
}

BOOST_FIXTURE_TEST_CASE(a_rolled_back_reservation_is_not_used, serial_fixture) {
    store s(opts);
    const auto before = next_free();
    BOOST_CHECK_THROW(s.writer().run([](storage::connection& db) {
        reserve_serials(db, 100);
        throw std::runtime_error("the job failed after reserving");
    }),
                      std::runtime_error);
    BOOST_TEST(next_free() == before);
}

BOOST_FIXTURE_TEST_CASE(invalid_sizes_are_refused, serial_fixture) {
    store s(opts);
    BOOST_CHECK_THROW(serial_sequence(s, 0), std::invalid_argument);
    BOOST_CHECK_THROW(s.writer().run([](storage::connection& db) { reserve_serials(db, 0); }),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(works_on_an_in_memory_store) {
    options opts;
    opts.path = ":memory:";
    opts.serial_block = 3;
    store s(opts);
    serial_sequence serials(s, opts.serial_block);
    std::set<std::int64_t> seen;
    for (int i = 0; i < 20; ++i) {
        BOOST_TEST(seen.insert(serials.next()).second);
    }
}

BOOST_AUTO_TEST_SUITE_END()
