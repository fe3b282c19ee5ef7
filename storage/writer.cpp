#include "storage/writer.hpp"

#include "storage/audit_repository.hpp"
#include "storage/connection.hpp"

#include "storage/database.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

namespace localca::storage {

namespace {

// The writer whose thread this is, so that run() and stop() can refuse to wait for themselves
// (a job calling run() on its own writer would otherwise deadlock silently).
thread_local const writer* t_writer_thread_of = nullptr;

// The storage itself failed (full disk, I/O error, read-only or vanished file, server gone...),
// not the job's logic. The backend may or may not have rolled the transaction back by itself
// after these, and recommends a ROLLBACK either way: the whole group fails rather than committing
// the others.
bool storage_failure(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const database_error& e) {
        return e.which() == database_error::category::unavailable;
    } catch (...) {
        return false;
    }
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report_completion_failure(const char* what) {
    // A completion belongs to the caller and must not throw; if it does, losing the writer thread
    // would stop every later write, so we only say it on stderr.
    std::cerr << "localca storage: a writer completion threw: " << what << std::endl;
}

} // namespace

writer::writer(const options& opts) : m_options(opts), m_db(open_connection(opts)) {
    if (m_db->kind() == backend::sqlite) {
        // Negative: a size in KiB rather than in pages. (PostgreSQL's cache is the server's
        // shared_buffers, not a connection's.)
        m_db->exec_script("PRAGMA cache_size = -" + std::to_string(std::max<std::int64_t>(
                                                        1, opts.writer_cache_bytes / 1024)));
    }
    m_thread = std::thread([this] { loop(); });
}

writer::~writer() {
    stop();
}

void writer::submit(job j, completion done) {
    enqueue(item{std::move(j), std::move(done)});
}

void writer::enqueue(item it) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            throw std::logic_error("storage::writer::submit after stop()");
        }
        m_queue.push_back(std::move(it));
        m_stats.queue_depth.fetch_add(1, std::memory_order_relaxed);
    }
    m_cv.notify_one();
}

void writer::run(job j) {
    wait_for(std::move(j), false);
}

void writer::run_alone(job j) {
    wait_for(std::move(j), true);
}

void writer::wait_for(job j, bool alone) {
    if (t_writer_thread_of == this) {
        throw std::logic_error("storage::writer::run called on the writer thread (from a job or a "
                               "completion): it would wait for itself");
    }
    // Shared with the completion: the caller may return (destroying its locals) the moment the
    // value is set, while set_value() is still finishing on the writer thread.
    auto done = std::make_shared<std::promise<void>>();
    auto result = done->get_future();
    auto completed = [done](std::exception_ptr e) {
        if (e) {
            done->set_exception(e);
        } else {
            done->set_value();
        }
    };
    enqueue(item{std::move(j), std::move(completed), alone});
    result.get();
}

void writer::run_alone_item(item& it) {
    // Such a job may replace the whole database (a lab restore): the chain's last row is read
    // again afterwards.
    m_audit_head->forget();
    std::exception_ptr failure;
    try {
        it.work(*m_db);
    } catch (...) {
        failure = std::current_exception();
        if (m_db->in_transaction()) {
            try {
                m_db->rollback();
            } catch (...) {
                // The job fails with its own error.
            }
        }
    }
    m_audit_head->forget();
    it.done(failure);
}

void writer::stop() {
    if (t_writer_thread_of == this) {
        throw std::logic_error("storage::writer::stop called on the writer thread");
    }
    std::thread thread;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        // Taken out under the lock so that two concurrent stop() calls never join the same thread.
        thread = std::move(m_thread);
    }
    m_cv.notify_all();
    if (thread.joinable()) {
        thread.join();
    }
}

void writer::loop() {
    t_writer_thread_of = this;
    // The writer's statements (certificate and audit inserts) are prepared once; they are
    // finalized when the loop ends, on this thread, before ~writer closes the connection.
    m_db->set_caching(true);
    struct uncache_at_exit {
        connection& db;
        ~uncache_at_exit() { db.set_caching(false); }
    } uncache{*m_db};
    // The audit chain's last row, kept between this writer's appends (audit_repository.hpp says
    // why that is safe with other appenders). Installed for this thread, as the statements are.
    audit_head_cache audit_head(*m_db);
    m_audit_head = &audit_head;
    const std::size_t limit =
        m_options.group_commit ? std::max<std::size_t>(1, m_options.max_batch) : 1;
    for (;;) {
        std::deque<item> group;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty()) {
                return; // stopping, and every queued job is done
            }
            // Every job that queued up while the previous group was being fsynced goes into this
            // one: that is the group commit, one fsync for all of them.
            // A run_alone() job is a group of its own.
            while (!m_queue.empty() && group.size() < limit &&
                   !(m_queue.front().alone && !group.empty())) {
                const bool alone = m_queue.front().alone;
                group.push_back(std::move(m_queue.front()));
                m_queue.pop_front();
                if (alone) {
                    break;
                }
            }
            m_stats.queue_depth.fetch_sub(static_cast<std::int64_t>(group.size()),
                                          std::memory_order_relaxed);
        }
        if (group.front().alone) {
            run_alone_item(group.front());
            continue;
        }
        m_stats.batch_size.observe(static_cast<double>(group.size()));
        commit_group(group);
    }
}

void writer::commit_group(std::deque<item>& group) {
    connection& db = *m_db;
    std::vector<std::exception_ptr> failures(group.size());
    // A job alone in its group needs no savepoint: if it fails, the whole transaction is its own
    // to roll back. On PostgreSQL that saves two statements per job when the load is light.
    const bool alone = group.size() == 1;
    try {
        // Takes the write lock now: if another process (the CLI) holds it, we wait here (busy
        // timeout) rather than failing halfway through a job.
        db.begin_write();
        bool any_succeeded = false;
        for (std::size_t i = 0; i < group.size(); ++i) {
            // A savepoint per job, so that a failing job takes back its own writes only.
            if (!alone) {
                db.savepoint("job");
            }
            try {
                group[i].work(db);
                if (!alone) {
                    // The job's deferred statements answer now, so that their errors are its
                    // own (alone, the COMMIT below carries them and fails the job the same).
                    db.flush();
                }
            } catch (...) {
                failures[i] = std::current_exception();
            }
            if (!failures[i]) {
                if (!alone) {
                    db.release("job");
                }
                any_succeeded = true;
                continue;
            }
            if (!db.in_transaction() || storage_failure(failures[i])) {
                // The backend rolled the whole transaction back (an I/O error, a full disk...), or
                // will be told to below: the earlier jobs' writes are gone too, so the whole
                // group fails with this error.
                std::rethrow_exception(failures[i]);
            }
            // The job's audit entry, if it appended one, is gone with its writes.
            m_audit_head->forget();
            if (!alone) {
                db.rollback_to("job");
                db.release("job");
            }
        }
        // Nothing to make durable when every job failed: spare the fsync.
        const auto commit_started = std::chrono::steady_clock::now();
        if (any_succeeded) {
            db.commit();
            m_stats.commit_seconds.observe(seconds_since(commit_started));
        } else {
            db.rollback();
        }
    } catch (...) {
        // Whatever was appended may not be durable (a failed COMMIT included).
        m_audit_head->forget();
        const auto error = std::current_exception();
        if (db.in_transaction()) {
            try {
                db.rollback();
            } catch (...) {
                // The group fails with the first error, whatever the rollback says.
            }
        }
        std::fill(failures.begin(), failures.end(), error);
    }

    for (std::size_t i = 0; i < group.size(); ++i) {
        if (!group[i].done) {
            continue;
        }
        try {
            group[i].done(failures[i]);
        } catch (const std::exception& e) {
            report_completion_failure(e.what());
        } catch (...) {
            report_completion_failure("a non-standard exception");
        }
    }
}

} // namespace localca::storage
