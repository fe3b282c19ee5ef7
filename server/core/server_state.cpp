#include "server/core/server_state.hpp"

namespace localca::server {

void server_state::add_session(const std::shared_ptr<session>& s) {
    std::lock_guard lock(m_mutex);
    m_sessions.emplace(s.get(), s);
}

void server_state::remove_session(const session* s) {
    std::lock_guard lock(m_mutex);
    m_sessions.erase(s);
}

std::vector<std::shared_ptr<session>> server_state::sessions() {
    std::vector<std::shared_ptr<session>> out;
    std::lock_guard lock(m_mutex);
    out.reserve(m_sessions.size());
    for (auto& [key, weak] : m_sessions) {
        // A session in its destructor no longer locks; it is closing anyway.
        if (auto s = weak.lock()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

namespace {
thread_local bool t_network_thread = false;
thread_local bool t_worker_thread = false;
} // namespace

void mark_network_thread() {
    t_network_thread = true;
}
void mark_worker_thread() {
    t_worker_thread = true;
}
bool is_network_thread() {
    return t_network_thread;
}
bool is_worker_thread() {
    return t_worker_thread;
}

} // namespace localca::server
