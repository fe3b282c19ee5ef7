// The single writer: group commit across threads, per-job rollback inside a group, completions
// after the commit, draining on stop, and waiting out another process's write lock.
#include "storage/database.hpp"
#include "storage/writer.hpp"

#include "test_support.hpp"

#include "storage/sql_helpers.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <future>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace localca;
using namespace localca::storage;

namespace {

// A migrated database file; the writer requires one.
struct writer_fixture {
    test::temp_dir dir;
    options opts;

    writer_fixture() {
        opts.path = dir / "ca.db";
        auto db = open_connection(opts);
        migrate(*db);
    }

    // A fresh connection: sees only what is committed.
    int count_orgs(const std::string& where = "1") const {
        auto db = open_connection(opts);
        return storage::sql::query_int64(*db, "SELECT count(*) FROM orgs WHERE " + where);
    }
};

void insert_org(storage::connection& db, const std::string& org_id) {
    statement_handle q(db, "INSERT INTO orgs (org_id) VALUES (?)");
    q->bind(1, org_id);
    q->exec();
}

// Holds the writer thread inside a job until open() is called, so that the jobs submitted
// meanwhile queue up and form the next group.
class gate {
public:
    writer::job job() {
        return [this](storage::connection&) {
            m_entered.set_value();
            m_open.get_future().wait();
        };
    }
    void wait_entered() { m_entered.get_future().wait(); }
    void open() { m_open.set_value(); }

private:
    std::promise<void> m_entered;
    std::promise<void> m_open;
};

// Records, in order, when each job ran and when its completion was called.
class event_log {
public:
    void add(std::string e) {
        std::lock_guard lock(m_mutex);
        m_events.push_back(std::move(e));
    }
    std::vector<std::string> events() {
        std::lock_guard lock(m_mutex);
        return m_events;
    }

private:
    std::mutex m_mutex;
    std::vector<std::string> m_events;
};

// Lowers this process's RLIMIT_FSIZE (soft) for the scope: a write that grows a file past it
// fails with EFBIG, as on a full disk. SIGXFSZ is ignored meanwhile, as the server does.
class file_size_limit {
public:
    explicit file_size_limit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &m_old);
        m_old_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lowered = m_old;
        lowered.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &lowered);
    }
    ~file_size_limit() {
        ::setrlimit(RLIMIT_FSIZE, &m_old);
        std::signal(SIGXFSZ, m_old_handler);
    }
    file_size_limit(const file_size_limit&) = delete;
    file_size_limit& operator=(const file_size_limit&) = delete;

private:
    rlimit m_old{};
    void (*m_old_handler)(int) = SIG_DFL;
};

std::string message_of(std::exception_ptr e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        return ex.what();
    } catch (...) {
        return "?";
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(storage_writer)

BOOST_FIXTURE_TEST_CASE(many_threads_jobs_all_commit_durably, writer_fixture) {
    constexpr int threads = 8;
    constexpr int per_thread = 250;
    std::atomic<int> succeeded{0};
    std::atomic<int> failed{0};
    {
        writer w(opts);
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t) {
            pool.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    const auto id = "org-" + std::to_string(t) + "-" + std::to_string(i);
                    // Half waits for each job (like a request thread), half only queues.
                    if (i % 2 == 0) {
                        w.run([id](storage::connection& db) { insert_org(db, id); });
                        ++succeeded;
                    } else {
                        w.submit([id](storage::connection& db) { insert_org(db, id); },
                                 [&](std::exception_ptr e) { ++(e ? failed : succeeded); });
                    }
                }
            });
        }
        for (auto& t : pool) {
            t.join();
        }
    } // ~writer drains the queue
    BOOST_TEST(failed.load() == 0);
    BOOST_TEST(succeeded.load() == threads * per_thread);
    BOOST_TEST(count_orgs() == threads * per_thread);
}

BOOST_FIXTURE_TEST_CASE(the_writer_connection_has_its_own_page_cache_size, writer_fixture) {
    // The writer's cache survives other commits (readers' do not), so it is the one made larger.
    auto cache_of = [](writer& w) {
        int kib = 0;
        w.run([&](storage::connection& db) {
            kib = storage::sql::query_int64(db, "PRAGMA cache_size");
        });
        return kib;
    };
    {
        writer w(opts);
        BOOST_TEST(cache_of(w) == -32 * 1024); // negative: KiB, the documented 32 MiB default
    }
    opts.writer_cache_bytes = 4 << 20;
    writer w(opts);
    BOOST_TEST(cache_of(w) == -4096);
    // Readers keep SQLite's default.
    BOOST_TEST(storage::sql::query_int64(*open_connection(opts), "PRAGMA cache_size") == -2000);
}

BOOST_FIXTURE_TEST_CASE(waiting_jobs_share_one_transaction, writer_fixture) {
    writer w(opts);
    gate g;
    event_log log;
    w.submit(g.job(), nullptr);
    g.wait_entered();
    constexpr int jobs = 5;
    for (int i = 0; i < jobs; ++i) {
        w.submit(
            [&, i](storage::connection& db) {
                insert_org(db, "g" + std::to_string(i));
                log.add("run");
            },
            [&](std::exception_ptr) { log.add("done"); });
    }
    g.open();
    w.stop();
    // Grouped: every job ran before the one commit, and only then came the completions.
    std::vector<std::string> expected(jobs, "run");
    expected.insert(expected.end(), jobs, "done");
    BOOST_TEST(log.events() == expected, boost::test_tools::per_element());
    BOOST_TEST(count_orgs("org_id LIKE 'g%'") == jobs);
}

BOOST_FIXTURE_TEST_CASE(max_batch_bounds_a_group, writer_fixture) {
    opts.max_batch = 2;
    writer w(opts);
    gate g;
    event_log log;
    w.submit(g.job(), nullptr);
    g.wait_entered();
    for (int i = 0; i < 4; ++i) {
        w.submit([&](storage::connection&) { log.add("run"); },
                 [&](std::exception_ptr) { log.add("done"); });
    }
    g.open();
    w.stop();
    const std::vector<std::string> expected{"run", "run", "done", "done",
                                            "run", "run", "done", "done"};
    BOOST_TEST(log.events() == expected, boost::test_tools::per_element());
}

BOOST_FIXTURE_TEST_CASE(without_group_commit_each_job_commits_alone, writer_fixture) {
    opts.group_commit = false;
    writer w(opts);
    gate g;
    event_log log;
    w.submit(g.job(), nullptr);
    g.wait_entered();
    for (int i = 0; i < 3; ++i) {
        w.submit(
            [&, i](storage::connection& db) {
                insert_org(db, "s" + std::to_string(i));
                log.add("run");
            },
            [&](std::exception_ptr) { log.add("done"); });
    }
    g.open();
    w.stop();
    const std::vector<std::string> expected{"run", "done", "run", "done", "run", "done"};
    BOOST_TEST(log.events() == expected, boost::test_tools::per_element());
    BOOST_TEST(count_orgs("org_id LIKE 's%'") == 3);
}

BOOST_FIXTURE_TEST_CASE(a_throwing_job_rolls_back_only_its_own_writes, writer_fixture) {
    writer w(opts);
    w.run([](storage::connection& db) { insert_org(db, "existing"); });

    gate g;
    std::vector<std::exception_ptr> results(4);
    std::atomic<int> completions{0};
    auto record = [&](int i) {
        return [&, i](std::exception_ptr e) {
            results[i] = e;
            ++completions;
        };
    };
    w.submit(g.job(), nullptr);
    g.wait_entered();
    w.submit([](storage::connection& db) { insert_org(db, "a"); }, record(0));
    w.submit(
        [](storage::connection& db) {
            insert_org(db, "b1");
            insert_org(db, "b2");
            throw std::runtime_error("policy bug in job b");
        },
        record(1));
    // A failing SQL statement (UNIQUE) after a successful one: the first must go too.
    w.submit(
        [](storage::connection& db) {
            insert_org(db, "c1");
            insert_org(db, "existing");
        },
        record(2));
    w.submit([](storage::connection& db) { insert_org(db, "d"); }, record(3));
    g.open();
    w.stop();

    BOOST_TEST(completions.load() == 4);
    BOOST_TEST(!results[0]);
    BOOST_REQUIRE(results[1]);
    BOOST_TEST(message_of(results[1]) == "policy bug in job b");
    BOOST_REQUIRE(results[2]);
    BOOST_CHECK_THROW(std::rethrow_exception(results[2]), storage::database_error);
    BOOST_TEST(!results[3]);

    BOOST_TEST(count_orgs("org_id IN ('a', 'd')") == 2);
    BOOST_TEST(count_orgs("org_id IN ('b1', 'b2', 'c1')") == 0);
    BOOST_TEST(count_orgs("org_id = 'existing'") == 1);
}

BOOST_FIXTURE_TEST_CASE(completion_sees_its_job_committed, writer_fixture) {
    writer w(opts);
    std::promise<int> seen;
    w.submit([](storage::connection& db) { insert_org(db, "visible"); },
             [&](std::exception_ptr e) {
                 // Another connection only sees committed data.
                 seen.set_value(e ? -1 : count_orgs("org_id = 'visible'"));
             });
    BOOST_TEST(seen.get_future().get() == 1);
}

BOOST_FIXTURE_TEST_CASE(run_rethrows_the_job_exception, writer_fixture) {
    writer w(opts);
    BOOST_CHECK_THROW(w.run([](storage::connection&) { throw std::out_of_range("nope"); }),
                      std::out_of_range);
    // The writer is still usable.
    w.run([](storage::connection& db) { insert_org(db, "after"); });
    BOOST_TEST(count_orgs("org_id = 'after'") == 1);
}

BOOST_FIXTURE_TEST_CASE(run_from_a_job_fails_instead_of_deadlocking, writer_fixture) {
    writer w(opts);
    BOOST_CHECK_THROW(w.run([&](storage::connection&) { w.run([](storage::connection&) {}); }),
                      std::logic_error);
}

BOOST_FIXTURE_TEST_CASE(a_throwing_completion_does_not_kill_the_writer, writer_fixture) {
    writer w(opts);
    w.submit([](storage::connection& db) { insert_org(db, "first"); },
             [](std::exception_ptr) { throw std::runtime_error("careless completion"); });
    w.submit([](storage::connection& db) { insert_org(db, "second"); },
             [](std::exception_ptr) { throw 42; });
    w.run([](storage::connection& db) { insert_org(db, "third"); });
    BOOST_TEST(count_orgs() == 3);
}

BOOST_FIXTURE_TEST_CASE(stop_drains_the_queue_then_refuses_jobs, writer_fixture) {
    writer w(opts);
    gate g;
    std::atomic<int> completions{0};
    w.submit(g.job(), nullptr);
    g.wait_entered();
    constexpr int queued = 100;
    for (int i = 0; i < queued; ++i) {
        w.submit([i](storage::connection& db) { insert_org(db, "q" + std::to_string(i)); },
                 [&](std::exception_ptr e) {
                     if (!e) {
                         ++completions;
                     }
                 });
    }
    std::thread opener([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        g.open();
    });
    w.stop(); // returns only once every queued job is committed
    opener.join();
    BOOST_TEST(completions.load() == queued);
    BOOST_TEST(count_orgs("org_id LIKE 'q%'") == queued);

    BOOST_CHECK_THROW(w.submit([](storage::connection&) {}, nullptr), std::logic_error);
    BOOST_CHECK_THROW(w.run([](storage::connection&) {}), std::logic_error);
    w.stop(); // idempotent
}

BOOST_FIXTURE_TEST_CASE(waits_for_a_write_lock_held_by_another_process, writer_fixture) {
    writer w(opts);
    auto other = open_connection(opts); // plays the CLI
    other->exec_script("BEGIN IMMEDIATE");
    insert_org(*other, "cli");
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        other->exec_script("COMMIT");
    });
    const auto started = std::chrono::steady_clock::now();
    int seen_by_job = -1;
    // Reads, then writes: the job must run after the CLI's commit and see it (a deferred
    // transaction would read a stale snapshot, then fail to upgrade it to a write).
    std::string failure;
    try {
        w.run([&](storage::connection& db) {
            seen_by_job =
                storage::sql::query_int64(db, "SELECT count(*) FROM orgs WHERE org_id = 'cli'");
            insert_org(db, "server");
        });
    } catch (const std::exception& e) {
        failure = e.what();
    }
    const auto waited = std::chrono::steady_clock::now() - started;
    release.join();
    BOOST_TEST(failure.empty(), failure);
    BOOST_TEST(waited >= std::chrono::milliseconds(250));
    BOOST_TEST(seen_by_job == 1);
    BOOST_TEST(count_orgs("org_id IN ('cli', 'server')") == 2);
}

BOOST_FIXTURE_TEST_CASE(lock_held_past_the_busy_timeout_fails_the_group_only, writer_fixture) {
    opts.busy_timeout = std::chrono::milliseconds(50);
    writer w(opts);
    auto other = open_connection(opts);
    other->exec_script("BEGIN IMMEDIATE");
    try {
        w.run([](storage::connection& db) { insert_org(db, "blocked"); });
        BOOST_FAIL("the job committed while another connection held the write lock");
    } catch (const storage::database_error& e) {
        BOOST_TEST((e.which() == storage::database_error::category::busy), e.what());
    }
    other->exec_script("ROLLBACK");
    // Nothing of the failed group is left, and the writer goes on.
    w.run([](storage::connection& db) { insert_org(db, "later"); });
    BOOST_TEST(count_orgs("org_id = 'blocked'") == 0);
    BOOST_TEST(count_orgs("org_id = 'later'") == 1);
}

BOOST_FIXTURE_TEST_CASE(a_full_disk_fails_the_whole_group_and_the_writer_recovers, writer_fixture) {
    writer w(opts);
    w.run([](storage::connection& db) { insert_org(db, "before"); });
    const auto file = opts.path.string();
    const auto largest =
        std::max(std::filesystem::file_size(file), std::filesystem::file_size(file + "-wal"));

    std::vector<std::exception_ptr> results(3);
    std::latch done(3);
    {
        const file_size_limit full(largest);
        gate g;
        w.submit(g.job(), nullptr);
        g.wait_entered();
        // Together far more than the WAL holds, so its COMMIT must grow a file past the limit.
        for (int i = 0; i < 3; ++i) {
            w.submit([i](storage::connection& db) { insert_org(db, std::string(300000, 'a' + i)); },
                     [&, i](std::exception_ptr e) {
                         results[i] = e;
                         done.count_down();
                     });
        }
        g.open();
        done.wait();
    }
    for (const auto& r : results) {
        BOOST_REQUIRE(r);
        try {
            std::rethrow_exception(r);
        } catch (const storage::database_error& e) {
            BOOST_TEST((e.which() == storage::database_error::category::unavailable), e.what());
        }
    }
    // Space again: the same writer commits, and nothing of the failed group is there.
    w.run([](storage::connection& db) { insert_org(db, "after"); });
    BOOST_TEST(count_orgs("length(org_id) > 1000") == 0);
    BOOST_TEST(count_orgs("org_id IN ('before', 'after')") == 2);
    auto db = open_connection(opts);
    BOOST_TEST(storage::sql::query_string(*db, "PRAGMA integrity_check") == "ok");
}

BOOST_FIXTURE_TEST_CASE(a_job_run_alone_is_its_own_group_outside_a_transaction, writer_fixture) {
    writer w(opts);
    gate g;
    event_log log;
    w.submit(g.job(), nullptr);
    g.wait_entered();
    // Queued while the writer is held: a grouped job, the alone job, another grouped job.
    w.submit(
        [&](connection& db) {
            insert_org(db, "before");
            log.add("before");
        },
        nullptr);
    std::thread alone([&] {
        w.run_alone([&](connection& db) {
            // No transaction is open: the job may do what SQLite refuses inside one, and
            // commits its own writes.
            log.add(db.in_transaction() ? "alone in transaction" : "alone");
            db.begin_write();
            insert_org(db, "alone");
            db.commit();
        });
    });
    while (log.events().empty() && w.stats().queue_depth.load() < 2) {
        std::this_thread::yield();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50)); // the alone job is queued
    w.submit(
        [&](connection& db) {
            insert_org(db, "after");
            log.add("after");
        },
        nullptr);
    g.open();
    alone.join();
    w.stop();
    BOOST_TEST((log.events() == std::vector<std::string>{"before", "alone", "after"}));
    BOOST_TEST(count_orgs() == 3);
    // A failing alone job reports its error; a transaction it left open is rolled back.
    writer w2(opts);
    BOOST_CHECK_THROW(w2.run_alone([](connection& db) {
        db.begin_write();
        insert_org(db, "rolled back");
        throw std::runtime_error("boom");
    }),
                      std::runtime_error);
    w2.run([](connection& db) { insert_org(db, "next"); });
    BOOST_TEST(count_orgs("org_id = 'rolled back'") == 0);
    BOOST_TEST(count_orgs("org_id = 'next'") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
