#include "server/lab/clock_sync.hpp"

#include "ca/lab_clock.hpp"
#include "server/core/log.hpp"

namespace localca::server::lab {

clock_sync::clock_sync(storage::store& store, std::shared_ptr<ca::offset_clock> clk,
                       std::chrono::milliseconds interval)
    : m_store(store), m_clock(std::move(clk)), m_interval(interval) {}

clock_sync::~clock_sync() {
    stop();
}

void clock_sync::start() {
    m_thread = std::thread([this] { loop(); });
}

void clock_sync::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void clock_sync::poll_once() {
    const auto stored = ca::stored_lab_offset(m_store);
    if (stored != std::chrono::duration_cast<std::chrono::seconds>(m_clock->offset())) {
        m_clock->set_offset(stored);
        log::warn("lab: clock offset is now " + std::to_string(stored.count()) +
                  " s (lab time " + ca::rfc3339(m_clock->now()) + ")");
    }
}

void clock_sync::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        try {
            poll_once();
        } catch (const std::exception& e) {
            // A busy or briefly unreadable database: the next poll tries again.
            log::warn(std::string("lab: reading the clock offset failed: ") + e.what());
        }
        lock.lock();
        m_wake.wait_for(lock, m_interval, [this] { return m_stopping; });
    }
}

} // namespace localca::server::lab
