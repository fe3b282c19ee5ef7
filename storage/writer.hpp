#pragma once
// The single writer. Every write of the server goes through it, so that waiting writes are
// committed together: one fsync for a group of issuances (group commit), and the policy checks a
// job makes inside its transaction cannot race with another job.
#include "storage/metrics.hpp"
#include "storage/options.hpp"

#include "storage/connection.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

namespace localca::storage {

class audit_head_cache; // storage/audit_repository.hpp

// What the writer measures, for /metrics: read with relaxed loads from any thread.
struct writer_stats {
    std::atomic<std::int64_t> queue_depth{0}; // jobs submitted and not yet taken into a group
    // Jobs per transaction (group commit).
    histogram batch_size{std::array<double, 10>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}};
    // The COMMIT statement alone: the fsync(s) of a group, in seconds.
    histogram commit_seconds{k_latency_buckets};
};

class writer {
public:
    // A job runs on the writer thread inside a transaction (inside its own SAVEPOINT when grouped).
    // It may read and write. An expected refusal (policy) is reported through the job's own
    // captured state and must write nothing; a thrown exception rolls back that job's writes
    // only and is passed to its completion.
    using job = std::function<void(connection&)>;

    // Called on the writer thread after the COMMIT that made the job durable (nullptr), or with the
    // exception that failed the job or the commit. Must be quick: post further work elsewhere.
    using completion = std::function<void(std::exception_ptr)>;

    // Opens its own connection to opts.path (which must already be migrated) and starts the thread.
    explicit writer(const options& opts);
    ~writer(); // stop()

    writer(const writer&) = delete;
    writer& operator=(const writer&) = delete;

    // Queues a job. Throws std::logic_error after stop().
    void submit(job j, completion done);

    // Convenience: queue and wait. Rethrows the job's exception. Throws std::logic_error when
    // called on the writer thread (from a job or a completion), where waiting would deadlock.
    void run(job j);

    // Queues a job that runs alone, outside any transaction, and waits for it (like run()): the
    // jobs queued before it have committed, those queued after wait for it. For what SQLite
    // refuses inside a transaction: a backup *into* the database (lab restore,
    // storage/sqlite_lab_snapshot.hpp). The job commits its own writes.
    void run_alone(job j);

    // Finishes every queued job, then joins the thread. Idempotent. Not from the writer thread.
    void stop();

    const writer_stats& stats() const { return m_stats; }

private:
    struct item {
        job work;
        completion done;
        bool alone = false; // run_alone(): no transaction, no group
    };
    void run_alone_item(item& it);
    void wait_for(job j, bool alone);
    void enqueue(item it);
    void loop();
    void commit_group(std::deque<item>& group);

    options m_options;
    std::unique_ptr<connection> m_db;
    audit_head_cache* m_audit_head = nullptr; // owned by loop(), on the writer thread
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<item> m_queue;
    bool m_stopping = false;
    writer_stats m_stats;
    std::thread m_thread;
};

} // namespace localca::storage
