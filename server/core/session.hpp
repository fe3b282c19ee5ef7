#pragma once
// Private: one HTTP/1.1 connection. Reads a request on the network thread (under the
// connection's strand), routes it, runs the handler on the worker pool and writes the response
// back on the strand; then reads the next request (keep-alive) or closes. One request at a time.
#include "server/core/request_context.hpp"
#include "server/core/server_state.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace localca::server {

class session : public std::enable_shared_from_this<session> {
public:
    // `socket` must have a strand as its executor.
    session(boost::asio::ip::tcp::socket socket, std::shared_ptr<server_state> state);
    ~session();
    session(const session&) = delete;
    session& operator=(const session&) = delete;

    void run();

    // stop(): close now if no request is in flight, else right after its response (which then
    // says "Connection: close"). Any thread.
    void close_when_idle();
    // The grace period is over: close now, in flight or not. Any thread.
    void force_close();
    // The handler's answer to the current request. Any thread; the responder guarantees once.
    void post_response(response res);

    const std::shared_ptr<server_state>& state() const { return m_state; }

private:
    void do_read();
    void on_header(boost::beast::error_code ec, std::size_t);
    void read_body();
    void on_read(boost::beast::error_code ec, std::size_t);
    void on_read_error(boost::beast::error_code ec);
    void dispatch(std::shared_ptr<request_context> ctx);
    // A response that ends the connection because the request could not be read.
    void reject(http::status status, const char* message);
    void write_response(response res);
    void on_write(boost::beast::error_code ec, std::size_t);
    void lingering_close();
    void on_drain(boost::beast::error_code ec, std::size_t n);
    void close();

    boost::beast::tcp_stream m_stream;
    boost::beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::shared_ptr<server_state> m_state;
    std::string m_remote;
    std::chrono::steady_clock::time_point m_read_started; // when the current request's read began

    std::shared_ptr<request_context> m_ctx; // the request being answered (for the access log)
    response m_res;                         // kept alive during async_write
    bool m_in_flight = false;               // request read, response not yet written
    bool m_close_after = false;             // close once the current response is written
    bool m_linger = false;                  // ...and drain unread input first (error replies)
    bool m_closed = false;
    std::size_t m_drained = 0;
    std::array<char, 4096> m_drain_buffer{};
};

} // namespace localca::server
