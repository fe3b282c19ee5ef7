#pragma once
// Private: one HTTP/1.1 connection, plain or TLS. Reads a request on the network thread (under
// the connection's strand), routes it, runs the handler on the worker pool and writes the
// response back on the strand; then reads the next request (keep-alive) or closes. One request
// at a time. A TLS connection first completes its handshake under the header timeout; after
// that both kinds behave the same (one implementation, a template over the stream, in
// session.cpp).
#include "server/core/request_context.hpp"
#include "server/core/server_state.hpp"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <memory>

namespace boost::asio::ssl {
class context;
}

namespace localca::server {

// How often the server looks for connections past their deadline: a timeout fires up to this
// late. Small against the timeouts (seconds), rare enough to cost nothing idle.
inline constexpr std::chrono::milliseconds k_deadline_sweep{200};

class session {
public:
    virtual ~session() = default;

    virtual void run() = 0;
    // stop(): close now if no request is in flight, else right after its response (which then
    // says "Connection: close"). Any thread.
    virtual void close_when_idle() = 0;
    // The grace period is over: close now, in flight or not. Any thread.
    virtual void force_close() = 0;
    // The handler's answer to the current request. Any thread; the responder guarantees once.
    virtual void post_response(response res) = 0;
    // Closes the connection if its current deadline (header, read, write or linger) is past
    // `now`. Called by the server's sweep every k_deadline_sweep (any thread): one timer for the
    // whole server instead of one armed per read and write.
    virtual void close_if_past(std::chrono::steady_clock::time_point now) = 0;
};

// `socket` must have a strand as its executor.
std::shared_ptr<session> make_session(boost::asio::ip::tcp::socket socket,
                                      std::shared_ptr<server_state> state);
// A TLS session on `tls`, which it keeps alive (a renewal may replace the server's context while
// this connection still uses it).
std::shared_ptr<session> make_tls_session(boost::asio::ip::tcp::socket socket,
                                          std::shared_ptr<server_state> state,
                                          std::shared_ptr<boost::asio::ssl::context> tls);

} // namespace localca::server
