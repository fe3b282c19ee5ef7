#pragma once
// Private: what http_server, the listener and the sessions share. Owned by shared_ptr so that a
// session finishing late (e.g. its handler answered after the io threads stopped) never touches
// a destroyed server.
#include "server/core/options.hpp"
#include "server/core/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace localca::server {

class session;

struct server_state {
    server_state(const options& o, const router& r, boost::asio::thread_pool& w)
        : opts(o), routes(r), workers(w) {}

    const options opts;
    const router& routes;
    boost::asio::thread_pool& workers;

    // Live sessions. Only the listener increments (on its strand) so the max_connections check
    // and the increment cannot race; sessions decrement from wherever they die.
    std::atomic<std::size_t> live{0};
    // Set once by stop(): sessions finish their current request and close.
    std::atomic<bool> stopping{false};
    // The io threads are joined: posting to the io_context would only queue work nobody runs.
    std::atomic<bool> io_finished{false};
    // Called (any thread) after a session has died; http_server uses it to notice the drain.
    std::function<void()> on_session_closed;

    void add_session(const std::shared_ptr<session>& s);
    void remove_session(const session* s);
    // The sessions still alive right now.
    std::vector<std::shared_ptr<session>> sessions();

private:
    std::mutex m_mutex;
    std::unordered_map<const session*, std::weak_ptr<session>> m_sessions;
};

// Thread roles, recorded in thread_local flags (see http_server::on_network_thread()).
void mark_network_thread();
void mark_worker_thread();
bool is_network_thread();
bool is_worker_thread();

} // namespace localca::server
