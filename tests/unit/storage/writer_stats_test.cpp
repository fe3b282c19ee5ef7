// The writer's metrics (storage::writer_stats, read by GET /metrics): the queue depth while the
// writer is busy, the size of the group that then commits together, and one commit duration
// per COMMIT (none for a group whose every job failed).
#include "storage/database.hpp"
#include "storage/writer.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <future>
#include <stdexcept>
#include <vector>

using namespace localca;
using namespace localca::storage;

BOOST_AUTO_TEST_SUITE(storage_writer_stats)

BOOST_AUTO_TEST_CASE(queue_depth_batch_size_and_commits) {
    test::temp_dir dir;
    options opts;
    opts.path = dir / "ca.db";
    migrate(*open_connection(opts));
    writer w(opts);
    const auto& stats = w.stats();
    BOOST_TEST(stats.queue_depth.load() == 0);

    // Hold the writer inside a first job: what is submitted meanwhile waits in the queue.
    std::promise<void> entered, release;
    auto held = release.get_future().share();
    w.submit(
        [&entered, held](storage::connection&) {
            entered.set_value();
            held.wait();
        },
        nullptr);
    entered.get_future().wait();
    constexpr int queued = 5;
    std::vector<std::future<void>> done;
    for (int i = 0; i < queued; ++i) {
        auto p = std::make_shared<std::promise<void>>();
        done.push_back(p->get_future());
        w.submit(
            [i](storage::connection& db) {
                db.exec_script("INSERT INTO orgs (org_id) VALUES ('o" + std::to_string(i) + "')");
            },
            [p](std::exception_ptr) { p->set_value(); });
    }
    BOOST_TEST(stats.queue_depth.load() == queued);
    release.set_value();
    for (auto& f : done) {
        f.wait();
    }
    BOOST_TEST(stats.queue_depth.load() == 0);

    // Two groups: the held job alone, then the five that queued behind it, in one transaction.
    const auto batches = stats.batch_size.snapshot();
    BOOST_TEST(batches.count() == 2u);
    BOOST_TEST(batches.sum == 1.0 + queued);
    const auto commits = stats.commit_seconds.snapshot();
    BOOST_TEST(commits.count() == 2u);
    BOOST_TEST(commits.sum > 0.0);

    // A group whose only job fails is rolled back: no COMMIT, so no commit duration.
    BOOST_CHECK_THROW(w.run([](storage::connection&) { throw std::runtime_error("refused"); }),
                      std::runtime_error);
    BOOST_TEST(stats.batch_size.snapshot().count() == 3u);
    BOOST_TEST(stats.commit_seconds.snapshot().count() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
