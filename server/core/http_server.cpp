#include "server/core/http_server.hpp"
#include "server/core/listen_address.hpp"
#include "server/core/listener.hpp"
#include "server/core/log.hpp"
#include "server/core/server_state.hpp"
#include "server/core/session.hpp"
#include "server/core/tls_context.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <mutex>
#include <optional>
#include <stdexcept>

namespace localca::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

tcp::endpoint resolve(net::io_context& ioc, const listen_address& a) {
    if (a.host.empty()) {
        return {tcp::v4(), a.port};
    }
    // Not left to the resolver: "localhost" may come back as ::1 first, which fails to bind on
    // hosts without IPv6 and surprises clients that connect to 127.0.0.1.
    if (a.host == "localhost") {
        return {net::ip::address_v4::loopback(), a.port};
    }
    boost::system::error_code ec;
    const auto address = net::ip::make_address(a.host, ec);
    if (!ec) {
        return {address, a.port};
    }
    tcp::resolver resolver(ioc);
    const auto results = resolver.resolve(a.host, std::to_string(a.port), ec);
    if (ec) {
        throw std::runtime_error(ec.message());
    }
    if (results.empty()) {
        throw std::runtime_error("host has no address");
    }
    return results.begin()->endpoint();
}

unsigned worker_count(unsigned configured) {
    if (configured != 0) {
        return configured;
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

} // namespace

struct http_server::impl {
    impl(const options& o, const router& r) : opts(o), routes(r) {}

    void start();
    void stop(std::chrono::seconds grace);
    void join_all();

    // On the control strand:
    void begin_stop(std::chrono::seconds grace);
    void arm_sweep();
    void check_drained();
    void on_grace_expired();
    void finish();

    const options opts;
    // A copy: the caller's table may go away, and handler pointers handed to sessions point in
    // here.
    const router routes;

    // Declared before everything that holds I/O objects, so it is destroyed after them.
    net::io_context ioc{static_cast<int>(std::max(1u, opts.io_threads))};
    listener::strand_type strand{net::make_strand(ioc)};
    net::steady_timer grace_timer{strand};
    // Closes connections past their deadline (session.hpp), every k_deadline_sweep.
    net::steady_timer sweep_timer{strand};
    // Keeps run() from returning while a session waits for its handler with no I/O pending.
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
    // Destroyed (joined) before ioc: finished handlers post to it.
    std::optional<net::thread_pool> workers;
    std::shared_ptr<server_state> state;
    // Certificate of the HTTPS listener; shared with it, replaced by set_tls_certificate().
    const std::shared_ptr<tls_context_slot> tls = std::make_shared<tls_context_slot>();
    std::vector<std::shared_ptr<listener>> listeners;
    std::vector<std::thread> io_threads;
    std::atomic<unsigned short> port{0};
    std::atomic<unsigned short> tls_port{0};

    std::mutex lifecycle_mutex;
    bool started = false;
    bool stop_requested = false;

    std::mutex join_mutex;
    bool joined = false;

    // Control strand only.
    bool stop_begun = false;
    bool drained = false;
};

void http_server::impl::start() {
    std::lock_guard lock(lifecycle_mutex);
    if (started || stop_requested) {
        throw std::logic_error("http_server::start called twice or after stop");
    }
    if (opts.listen.empty() && opts.tls_listen.empty()) {
        throw std::logic_error("http_server: neither a plain nor a TLS listen address");
    }
    if (!opts.tls_listen.empty() && !tls->get()) {
        throw std::logic_error("http_server: TLS listener without a certificate");
    }
    struct planned {
        std::string address;
        bool secure;
        tcp::endpoint endpoint;
    };
    std::vector<planned> plan;
    const auto fail = [](const std::string& address, const std::string& reason) {
        return std::runtime_error("cannot listen on " + address + ": " + reason);
    };
    const std::pair<std::string, bool> wanted[] = {{opts.listen, false}, {opts.tls_listen, true}};
    for (const auto& [address, secure] : wanted) {
        if (address.empty()) {
            continue;
        }
        try {
            plan.push_back({address, secure, resolve(ioc, parse_listen_address(address))});
        } catch (const std::exception& e) {
            throw fail(address, e.what());
        }
    }

    workers.emplace(worker_count(opts.worker_threads));
    state = std::make_shared<server_state>(opts, routes, *workers);
    // Captures the state, not impl members: sessions may die while ~impl runs (queued handlers
    // destroyed with the io_context), and then only the state is still there to look at.
    state->on_session_closed = [this, st = state.get()] {
        if (st->stopping.load() && !st->io_finished.load() && st->live.load() == 0) {
            net::post(strand, [this] { check_drained(); });
        }
    };
    for (const auto& p : plan) {
        auto l = std::make_shared<listener>(strand, state, p.secure ? tls : nullptr);
        try {
            l->open(p.endpoint);
        } catch (const boost::system::system_error& e) {
            listeners.clear(); // closes the acceptors already open
            workers->join();   // idle: returns at once
            workers.reset();
            throw fail(p.address, e.code().message());
        }
        (p.secure ? tls_port : port) = l->port();
        listeners.push_back(std::move(l));
    }

    work.emplace(ioc.get_executor());
    for (const auto& l : listeners) {
        l->run();
    }
    net::dispatch(strand, [this] { arm_sweep(); });
    const unsigned threads = std::max(1u, opts.io_threads);
    io_threads.reserve(threads);
    for (unsigned i = 0; i < threads; ++i) {
        io_threads.emplace_back([this] {
            mark_network_thread();
            for (;;) {
                try {
                    ioc.run();
                    return;
                } catch (const std::exception& e) {
                    // A bug in a completion handler; keep serving the other connections.
                    log::error(std::string("unexpected exception on a network thread: ") +
                               e.what());
                }
            }
        });
    }
    started = true;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        log::info(std::string("listening on ") + (plan[i].secure ? "https://" : "http://") +
                  plan[i].endpoint.address().to_string() + ":" +
                  std::to_string(listeners[i]->port()) + " (" + std::to_string(threads) +
                  " network, " + std::to_string(worker_count(opts.worker_threads)) +
                  " worker threads)");
    }
}

void http_server::impl::stop(std::chrono::seconds grace) {
    bool begin = false;
    {
        std::lock_guard lock(lifecycle_mutex);
        if (!started) {
            stop_requested = true;
            return;
        }
        if (!stop_requested) {
            stop_requested = true;
            begin = true;
        }
    }
    if (begin) {
        // Set here, not on the strand, so that sessions finishing a request right now already
        // answer "Connection: close".
        state->stopping = true;
        net::post(strand, [this, grace] { begin_stop(grace); });
    }
    if (is_network_thread() || is_worker_thread()) {
        return; // joining would wait for this very thread
    }
    join_all();
}

void http_server::impl::begin_stop(std::chrono::seconds grace) {
    stop_begun = true;
    log::info("stopping: no new connections; in-flight requests have " +
              std::to_string(grace.count()) + " s to finish");
    for (const auto& l : listeners) {
        l->close();
    }
    grace_timer.expires_after(grace);
    grace_timer.async_wait([this](boost::system::error_code ec) {
        if (!ec) {
            on_grace_expired();
        }
    });
    for (const auto& s : state->sessions()) {
        s->close_when_idle();
    }
    check_drained();
}

void http_server::impl::check_drained() {
    if (stop_begun && !drained && state->live.load() == 0) {
        finish();
    }
}

void http_server::impl::on_grace_expired() {
    if (drained) {
        return;
    }
    const auto remaining = state->sessions();
    log::warn("grace period over; closing " + std::to_string(remaining.size()) +
              " connection(s) with requests still in flight");
    for (const auto& s : remaining) {
        s->force_close();
    }
    finish();
}

void http_server::impl::arm_sweep() {
    sweep_timer.expires_after(k_deadline_sweep);
    sweep_timer.async_wait([this](boost::system::error_code ec) {
        if (ec || drained) {
            return;
        }
        if (state->live.load() > 0) {
            const auto now = std::chrono::steady_clock::now();
            for (const auto& s : state->sessions()) {
                s->close_if_past(now);
            }
        }
        arm_sweep();
    });
}

void http_server::impl::finish() {
    drained = true;
    grace_timer.cancel();
    sweep_timer.cancel();
    // With no guard, no acceptor and no sessions, the io threads run out of work and return.
    work.reset();
}

void http_server::impl::join_all() {
    std::lock_guard lock(join_mutex);
    if (joined) {
        return;
    }
    for (auto& t : io_threads) {
        if (t.joinable()) {
            t.join();
        }
    }
    state->io_finished = true;
    // Access lines whose posted flush never ran (an io_context stopped with handlers queued).
    log::flush_access();
    // Handlers still running finish (a handler past the grace period still blocks here: a
    // thread cannot be cancelled); their late answers go nowhere.
    workers->join();
    joined = true;
    log::info("http server stopped");
}

http_server::http_server(const options& opts, const router& routes)
    : m_impl(std::make_unique<impl>(opts, routes)) {}

http_server::~http_server() {
    if (!m_impl) {
        return;
    }
    // Destroyed without stop(): no grace. Also completes a stop() initiated from a handler.
    m_impl->stop(std::chrono::seconds(0));
    bool started = false;
    {
        std::lock_guard lock(m_impl->lifecycle_mutex);
        started = m_impl->started;
    }
    if (started) {
        m_impl->join_all();
    }
}

void http_server::set_tls_certificate(const std::string& chain_pem, const std::string& key_pem,
                                      std::shared_ptr<const ocsp_staple> staple) {
    m_impl->tls->set(make_tls_context(chain_pem, key_pem, std::move(staple)));
}

void http_server::start() {
    m_impl->start();
}

unsigned short http_server::port() const {
    return m_impl->port.load();
}

unsigned short http_server::tls_port() const {
    return m_impl->tls_port.load();
}

void http_server::wait() {
    {
        std::lock_guard lock(m_impl->lifecycle_mutex);
        if (!m_impl->started) {
            return;
        }
    }
    m_impl->join_all();
}

void http_server::stop(std::chrono::seconds grace) {
    m_impl->stop(grace);
}

bool http_server::on_network_thread() {
    return is_network_thread();
}

} // namespace localca::server
