#include "server/core/request_gate.hpp"

#include <utility>

namespace localca::server {

void request_gate::ticket::release() {
    if (m_released) {
        return;
    }
    m_released = true;
    m_gate->leave();
}

void request_gate::admit(start_fn start) {
    {
        std::lock_guard lock(m_mutex);
        if (m_closed) {
            m_parked.push_back(std::move(start));
            return;
        }
        ++m_in_flight;
    }
    start(std::make_shared<ticket>(shared_from_this()));
}

void request_gate::leave() {
    std::lock_guard lock(m_mutex);
    if (--m_in_flight == 0) {
        m_drained.notify_all();
    }
}

std::size_t request_gate::in_flight() const {
    std::lock_guard lock(m_mutex);
    return m_in_flight;
}

bool request_gate::run_exclusive(ticket* own, std::chrono::milliseconds drain,
                                 const std::function<void()>& fn) {
    // Our own place first: two exclusive requests waiting for each other to finish would
    // otherwise both time out.
    if (own) {
        own->release();
    }
    std::lock_guard exclusive(m_exclusive);
    {
        std::unique_lock lock(m_mutex);
        m_closed = true;
        if (!m_drained.wait_for(lock, drain, [this] { return m_in_flight == 0; })) {
            lock.unlock();
            reopen();
            return false;
        }
    }
    try {
        fn();
    } catch (...) {
        reopen();
        throw;
    }
    reopen();
    return true;
}

void request_gate::reopen() {
    std::deque<start_fn> parked;
    {
        std::lock_guard lock(m_mutex);
        m_closed = false;
        parked.swap(m_parked);
        m_in_flight += parked.size();
    }
    auto self = shared_from_this();
    for (auto& start : parked) {
        start(std::make_shared<ticket>(self));
    }
}

} // namespace localca::server
