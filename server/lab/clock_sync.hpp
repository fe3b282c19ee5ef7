#pragma once
// Follows the time travel offset stored in the database (ca/lab_clock.hpp) into the server's
// offset_clock, so that `localca lab clock ...` run beside a running server takes effect in it
// within one poll interval. Polls on its own thread: SQL never runs on a network thread.
#include "ca/clock.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace localca::server::lab {

class clock_sync {
public:
    clock_sync(storage::store& store, std::shared_ptr<ca::offset_clock> clk,
               std::chrono::milliseconds interval = std::chrono::milliseconds(250));
    ~clock_sync(); // stop()
    clock_sync(const clock_sync&) = delete;
    clock_sync& operator=(const clock_sync&) = delete;

    void start();
    void stop();
    // Reads the stored offset now and applies it (also what each poll does).
    void poll_once();

private:
    void loop();

    storage::store& m_store;
    std::shared_ptr<ca::offset_clock> m_clock;
    std::chrono::milliseconds m_interval;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace localca::server::lab
