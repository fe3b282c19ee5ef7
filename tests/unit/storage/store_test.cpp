// The store facade: migration on open, per-thread read connections, and ":memory:" stores whose
// writer and readers share one database.
#include "storage/store.hpp"

#include "storage/database.hpp"
#include "storage/enos/tenant_repository.hpp"

#include "test_support.hpp"

#include "storage/sql_helpers.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <optional>
#include <thread>
#include <vector>

using namespace localca;
using namespace localca::storage;
using namespace localca::storage::enos;

namespace {

options file_options_store(const test::temp_dir& dir, const std::string& name = "ca.db") {
    options o;
    o.path = dir / name;
    return o;
}

options memory_options() {
    options o;
    o.path = ":memory:";
    return o;
}

int count_orgs(storage::connection& db) {
    return storage::sql::query_int64(db, "SELECT count(*) FROM orgs");
}

void add_org_store(store& s, const std::string& org_id) {
    s.writer().run([&](storage::connection& db) { upsert_org(db, org_id); });
}

storage::connection* reader_of_new_thread(store& s) {
    storage::connection* db = nullptr;
    std::thread([&] { db = &s.reader(); }).join();
    return db;
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_store)

BOOST_AUTO_TEST_CASE(opening_creates_and_migrates_the_file) {
    test::temp_dir dir;
    const auto opts = file_options_store(dir);
    store s(opts);
    BOOST_TEST(std::filesystem::exists(opts.path));
    auto& db = s.reader();
    BOOST_TEST(storage::sql::query_int64(db, "SELECT max(version) FROM schema_version") ==
               known_schema_version());
    BOOST_TEST(storage::sql::query_string(db, "PRAGMA journal_mode") == "wal");
}

BOOST_AUTO_TEST_CASE(a_newer_database_is_refused) {
    test::temp_dir dir;
    const auto opts = file_options_store(dir);
    {
        store s(opts);
        s.writer().run([](storage::connection& db) {
            db.exec_script("INSERT INTO schema_version (version) VALUES (" +
                           std::to_string(known_schema_version() + 1) + ")");
        });
    }
    BOOST_CHECK_THROW(store{opts}, schema_too_new);
}

BOOST_AUTO_TEST_CASE(one_reader_per_thread) {
    test::temp_dir dir;
    store s(file_options_store(dir));
    storage::connection* mine = &s.reader();
    BOOST_TEST(&s.reader() == mine); // cached
    storage::connection* other = reader_of_new_thread(s);
    storage::connection* third = reader_of_new_thread(s);
    BOOST_TEST(other != mine);
    BOOST_TEST(third != mine);
    BOOST_TEST(third != other);
}

BOOST_AUTO_TEST_CASE(each_store_has_its_own_readers_on_one_thread) {
    test::temp_dir dir;
    store a(file_options_store(dir, "a.db"));
    store b(file_options_store(dir, "b.db"));
    add_org_store(a, "only-in-a");
    BOOST_TEST(&a.reader() != &b.reader());
    BOOST_TEST(count_orgs(a.reader()) == 1);
    BOOST_TEST(count_orgs(b.reader()) == 0);
}

BOOST_AUTO_TEST_CASE(readers_see_what_the_writer_committed) {
    test::temp_dir dir;
    store s(file_options_store(dir));
    auto& db = s.reader();
    BOOST_TEST(count_orgs(db) == 0);
    add_org_store(s, "o1");
    BOOST_TEST(count_orgs(db) == 1);
    BOOST_TEST(find_org(db, "o1").has_value());
}

BOOST_AUTO_TEST_CASE(readers_refuse_writes) {
    test::temp_dir dir;
    store s(file_options_store(dir));
    BOOST_CHECK_THROW(upsert_org(s.reader(), "sneaky"), storage::database_error);
    BOOST_TEST(count_orgs(s.reader()) == 0);
}

BOOST_AUTO_TEST_CASE(a_destroyed_stores_cached_reader_is_never_reused) {
    // std::optional puts every store at the same address, so a cache keyed by address would hand
    // the second store the first one's closed connection.
    test::temp_dir dir;
    std::optional<store> s;
    for (int i = 0; i < 5; ++i) {
        s.emplace(file_options_store(dir, "db" + std::to_string(i)));
        for (int j = 0; j < i; ++j) {
            add_org_store(*s, test::numbered("o", j));
        }
        BOOST_TEST(count_orgs(s->reader()) == i);
        s.reset();
    }
}

BOOST_AUTO_TEST_CASE(memory_store_is_shared_by_writer_and_readers) {
    store s(memory_options());
    add_org_store(s, "in-memory");
    BOOST_TEST(count_orgs(s.reader()) == 1);
    int seen_elsewhere = -1;
    std::thread([&] { seen_elsewhere = count_orgs(s.reader()); }).join();
    BOOST_TEST(seen_elsewhere == 1);
    // opts() names the shared database, so another connection to it joins it.
    auto extra = open_connection(s.opts());
    BOOST_TEST(count_orgs(*extra) == 1);
}

BOOST_AUTO_TEST_CASE(memory_stores_are_separate) {
    store a(memory_options());
    store b(memory_options());
    add_org_store(a, "a");
    BOOST_TEST(count_orgs(a.reader()) == 1);
    BOOST_TEST(count_orgs(b.reader()) == 0);
}

BOOST_AUTO_TEST_CASE(readers_and_writer_run_concurrently) {
    // On a file (WAL) and in memory (locks, waited out by the busy timeout), readers polling while
    // the writer commits see a count that only grows, and never fail.
    test::temp_dir dir;
    for (const auto& opts : {file_options_store(dir), memory_options()}) {
        store s(opts);
        constexpr int writes = 200;
        std::atomic<bool> done{false};
        std::atomic<int> failures{0};
        std::atomic<int> regressions{0};
        std::vector<std::thread> readers;
        for (int r = 0; r < 3; ++r) {
            readers.emplace_back([&] {
                int last = 0;
                try {
                    while (!done) {
                        const int now = count_orgs(s.reader());
                        if (now < last) {
                            ++regressions;
                        }
                        last = now;
                    }
                } catch (const std::exception& e) {
                    BOOST_TEST_MESSAGE("reader failed: " << e.what());
                    ++failures;
                }
            });
        }
        std::string write_failure;
        try {
            for (int i = 0; i < writes; ++i) {
                add_org_store(s, test::numbered("w", i));
            }
        } catch (const std::exception& e) {
            write_failure = e.what();
        }
        done = true;
        for (auto& t : readers) {
            t.join();
        }
        BOOST_TEST(write_failure.empty(), write_failure);
        BOOST_TEST(failures.load() == 0, opts.path);
        BOOST_TEST(regressions.load() == 0, opts.path);
        BOOST_TEST(count_orgs(s.reader()) == writes);
    }
}

BOOST_AUTO_TEST_SUITE_END()
