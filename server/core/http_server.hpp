#pragma once
// The Beast HTTP/1.1 server: a plain and/or an HTTPS listener + sessions on an io_context run by
// options.io_threads threads; every handler is posted to a separate worker pool so that crypto and
// SQL never run on a network thread. Limits per options.limit; one JSON access-log line per
// request.
#include "server/core/ocsp_staple.hpp"
#include "server/core/options.hpp"
#include "server/core/router.hpp"

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace localca::server {

class http_server {
public:
    // Does not bind yet.
    http_server(const options& opts, const router& routes);
    ~http_server();

    // Installs or replaces the PEM certificate chain (leaf first) and private key of the HTTPS
    // listener. Connections accepted afterwards use them; open connections keep the old ones.
    // Any thread. Throws std::runtime_error saying what is wrong (e.g. the key does not match).
    // With a staple: its current OCSP response is stapled to handshakes that ask for one.
    void set_tls_certificate(const std::string& chain_pem, const std::string& key_pem,
                             std::shared_ptr<const ocsp_staple> staple = nullptr);

    // Binds and starts accepting. Throws std::runtime_error naming the address if bind fails,
    // std::logic_error if options.tls_listen is set and no certificate was installed.
    void start();
    // The bound ports (useful with port 0); 0 for a listener that is off.
    unsigned short port() const;
    unsigned short tls_port() const;
    // Blocks until stop() completes.
    void wait();
    // Graceful: stop accepting, let in-flight requests finish (up to `grace`), close idle
    // connections, stop the threads. Safe to call from a signal-handling thread. Idempotent.
    // Called from a handler or network thread it only initiates the shutdown (joining there
    // would wait for itself); wait() or the destructor then completes it.
    void stop(std::chrono::seconds grace = std::chrono::seconds(30));

    // True on the threads running network I/O (never where handlers run). For assertions and
    // tests; cheap (a thread_local flag).
    static bool on_network_thread();

    struct impl;

private:
    std::unique_ptr<impl> m_impl;
};

} // namespace localca::server
