#pragma once
// Private to session.cpp and tls_session.cpp: the one session implementation, a template over the
// stream (beast::tcp_stream or tls_stream). Each of the two files instantiates one stream type,
// so the two instantiations (Beast's composed operations, heavy to compile, heavier still under
// the sanitizers) build in parallel instead of as the build's longest single file.
#include "ca/uuid.hpp"
#include "server/core/internal_error.hpp"
#include "server/core/log.hpp"
#include "server/core/session.hpp"
#include "server/core/url.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>

namespace localca::server::session_detail {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

inline constexpr const char* k_bad_request = R"({"message":"Bad Request"})";
inline constexpr const char* k_not_found = R"({"message":"Not Found"})";
inline constexpr const char* k_method_not_allowed = R"({"message":"Method Not Allowed"})";
inline constexpr const char* k_too_large = R"({"message":"Request size limit exceeded"})";
inline constexpr const char* k_header_too_large =
    R"({"message":"Request Header Fields Too Large"})";
inline constexpr const char* k_unexpected = R"({"message":"An unexpected error occurred"})";

// After an error reply we keep reading (and discarding) what the client is still sending for a
// little while before closing: closing a socket with unread input makes the kernel send RST,
// and the client may then lose our 413/431/400 before reading it.
inline constexpr auto k_linger_time = std::chrono::seconds(2);
inline constexpr std::size_t k_linger_bytes = 1024 * 1024;

inline const beast::error_category& http_category() {
    static const beast::error_code sample = http::error::bad_target;
    return sample.category();
}

inline std::string describe(const request_context& ctx) {
    return "request " + ctx.request_id + " " + std::string(ctx.req.method_string()) + " " +
           log_safe_path(ctx.req.target());
}

// Shared by every copy of one request's responder: enforces "exactly once", and answers 500 if
// the handler lets the last copy go without answering (otherwise the client would wait for the
// read timeout of... nothing: the connection would just close).
class reply_slot {
public:
    reply_slot(std::shared_ptr<session> s, std::shared_ptr<request_context> ctx)
        : m_session(std::move(s)), m_ctx(std::move(ctx)) {}
    reply_slot(const reply_slot&) = delete;
    reply_slot& operator=(const reply_slot&) = delete;

    ~reply_slot() {
        if (m_answered.load()) {
            return;
        }
        // A bug of the handler, answered like any other (never throws).
        answer_internal_error(
            *m_ctx, [this](response res) { m_session->post_response(std::move(res)); },
            "handler dropped its responder without answering");
    }

    void answer(response res) {
        if (m_answered.exchange(true)) {
            log::warn(describe(*m_ctx) + ": responder called more than once; extra answer dropped");
            return;
        }
        if (!m_ctx->stream_body) {
            // Answered: the request no longer holds up a handler that must run alone.
            m_ctx->admission.reset();
        }
        m_session->post_response(std::move(res));
    }

private:
    std::shared_ptr<session> m_session;
    std::shared_ptr<request_context> m_ctx;
    std::atomic<bool> m_answered{false};
};

// Runs on a worker thread.
inline void run_handler(const handler& h, std::shared_ptr<request_context> ctx, responder respond) {
    mark_worker_thread();
    run_guarded(*ctx, respond, [&] { h(ctx, respond); });
}

// One connection over Stream: beast::tcp_stream (plain) or tls_stream.
template <class Stream>
class basic_session final : public session,
                            public std::enable_shared_from_this<basic_session<Stream>> {
public:
    static constexpr bool k_tls = std::is_same_v<Stream, tls_stream>;

    // `tls` is null for a plain session.
    basic_session(tcp::socket socket, std::shared_ptr<server_state> state,
                  std::shared_ptr<ssl::context> tls);
    ~basic_session() override;
    basic_session(const basic_session&) = delete;
    basic_session& operator=(const basic_session&) = delete;

    void run() override;
    void close_when_idle() override;
    void force_close() override;
    void post_response(response res) override;
    void close_if_past(std::chrono::steady_clock::time_point now) override;

private:
    static Stream make_stream(tcp::socket socket, ssl::context* tls) {
        if constexpr (k_tls) {
            return Stream(beast::tcp_stream(std::move(socket)), *tls);
        } else {
            return Stream(std::move(socket));
        }
    }
    // The TCP layer: deadlines, shutdown, close, and the raw bytes drained after an error reply
    // (encrypted or not, they are thrown away).
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(m_stream); }
    // The connection's one deadline, enforced by the server's sweep (session.hpp), not by
    // tcp_stream's timers: those arm a wait per read or write, and each arm that becomes the
    // earliest timer costs a timerfd_settime.
    void deadline_at(std::chrono::steady_clock::time_point t) {
        m_deadline.store(t.time_since_epoch().count(), std::memory_order_relaxed);
    }
    void deadline_after(std::chrono::steady_clock::duration d) {
        deadline_at(std::chrono::steady_clock::now() + d);
    }
    // While a handler or a streamed body's producer runs: nothing is read or written, so no
    // deadline (as with tcp_stream's timers, which only run during an operation).
    void no_deadline() {
        m_deadline.store(std::numeric_limits<std::int64_t>::max(), std::memory_order_relaxed);
    }
    bool past_deadline(std::chrono::steady_clock::time_point now) const {
        return now.time_since_epoch().count() >= m_deadline.load(std::memory_order_relaxed);
    }

    void start();
    void on_handshake(beast::error_code ec);
    void do_read();
    void on_header(beast::error_code ec, std::size_t);
    void read_body();
    void on_read(beast::error_code ec, std::size_t);
    void on_read_error(beast::error_code ec);
    void dispatch(std::shared_ptr<request_context> ctx);
    // A response that ends the connection because the request could not be read.
    void reject(http::status status, const char* message);
    void write_response(response res);
    // A response whose body comes from m_ctx->stream_body, as chunks.
    void write_streamed(response head);
    void next_piece();
    void on_piece(std::shared_ptr<std::string> piece);
    void on_write(beast::error_code ec, std::size_t);
    void lingering_close();
    void on_drain(beast::error_code ec, std::size_t n);
    void close();

    std::shared_ptr<ssl::context> m_tls; // before m_stream: it must outlive the stream's SSL
    Stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    std::shared_ptr<server_state> m_state;
    std::string m_remote;
    std::chrono::steady_clock::time_point m_read_started; // when the current request's read began
    // steady_clock ticks; written on the strand, read by the sweep on the control strand.
    std::atomic<std::int64_t> m_deadline{std::numeric_limits<std::int64_t>::max()};

    std::shared_ptr<request_context> m_ctx; // the request being answered (for the access log)
    response m_res;                         // kept alive during async_write
    // A streamed response's header serializer and the piece being written.
    std::unique_ptr<http::response<http::empty_body>> m_stream_head;
    std::unique_ptr<http::response_serializer<http::empty_body>> m_stream_sr;
    bool m_in_flight = false;   // request read, response not yet written
    bool m_close_after = false; // close once the current response is written
    bool m_linger = false;      // ...and drain unread input first (error replies)
    bool m_closed = false;
    std::size_t m_drained = 0;
    std::array<char, 4096> m_drain_buffer{};
};

template <class Stream>
basic_session<Stream>::basic_session(tcp::socket socket, std::shared_ptr<server_state> state,
                                     std::shared_ptr<ssl::context> tls)
    : m_tls(std::move(tls)), m_stream(make_stream(std::move(socket), m_tls.get())),
      m_state(std::move(state)) {
    ++m_state->live;
    beast::error_code ec;
    const auto remote = lowest().socket().remote_endpoint(ec);
    if (!ec) {
        m_remote = remote.address().to_string();
    }
}

template <class Stream> basic_session<Stream>::~basic_session() {
    m_state->remove_session(this);
    --m_state->live;
    if (m_state->on_session_closed) {
        m_state->on_session_closed();
    }
}

template <class Stream> void basic_session<Stream>::run() {
    net::dispatch(m_stream.get_executor(),
                  beast::bind_front_handler(&basic_session::start, this->shared_from_this()));
}

template <class Stream> void basic_session<Stream>::start() {
    if constexpr (k_tls) {
        // The handshake counts as part of the first request's header: a client that stalls in
        // it is cut off after header_timeout like a slow header (slow loris over TLS).
        const auto& limit = m_state->opts.limit;
        deadline_after(std::min(limit.header_timeout, limit.read_timeout));
        m_stream.async_handshake(
            ssl::stream_base::server,
            beast::bind_front_handler(&basic_session::on_handshake, this->shared_from_this()));
    } else {
        do_read();
    }
}

template <class Stream> void basic_session<Stream>::on_handshake(beast::error_code ec) {
    if (ec) {
        // Scanners, old clients (TLS 1.1 and below), untrusting clients: routine, so debug.
        if (!m_closed && ec != net::error::operation_aborted) {
            log::debug("TLS handshake with " + m_remote + " failed: " + ec.message());
        }
        return close();
    }
    do_read();
}

template <class Stream> void basic_session<Stream>::close_when_idle() {
    net::post(m_stream.get_executor(), [self = this->shared_from_this()] {
        if (self->m_in_flight) {
            self->m_close_after = true;
        } else {
            self->close();
        }
    });
}

template <class Stream> void basic_session<Stream>::force_close() {
    net::post(m_stream.get_executor(), [self = this->shared_from_this()] { self->close(); });
}

template <class Stream>
void basic_session<Stream>::close_if_past(std::chrono::steady_clock::time_point now) {
    if (!past_deadline(now)) {
        return;
    }
    net::post(m_stream.get_executor(), [self = this->shared_from_this(), now] {
        // Checked again on the strand: the connection may have moved on to a new deadline.
        if (self->m_closed || !self->past_deadline(now)) {
            return;
        }
        log::debug("connection from " + self->m_remote + " closed: timed out");
        self->close();
    });
}

template <class Stream> void basic_session<Stream>::post_response(response res) {
    if (m_state->io_finished) {
        return;
    }
    net::post(m_stream.get_executor(),
              [self = this->shared_from_this(), res = std::move(res)]() mutable {
                  self->write_response(std::move(res));
              });
}

template <class Stream> void basic_session<Stream>::do_read() {
    if (m_closed) {
        return;
    }
    if (m_state->stopping) {
        return close();
    }
    const auto& limit = m_state->opts.limit;
    // A fresh parser per request: Beast parsers are single-use.
    m_parser.emplace();
    m_parser->body_limit(limit.body_bytes);
    m_parser->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(limit.header_bytes, std::numeric_limits<std::uint32_t>::max())));
    // Two deadlines, neither of which trickling bytes can push back (slow loris): the header
    // block must arrive within header_timeout (this also bounds an idle keep-alive), and the
    // whole request, header and body, within read_timeout of the same start.
    m_read_started = std::chrono::steady_clock::now();
    deadline_at(m_read_started + std::min(limit.header_timeout, limit.read_timeout));
    http::async_read_header(
        m_stream, m_buffer, *m_parser,
        beast::bind_front_handler(&basic_session::on_header, this->shared_from_this()));
}

template <class Stream> void basic_session<Stream>::on_header(beast::error_code ec, std::size_t) {
    if (ec) {
        return on_read_error(ec);
    }
    // The header is in: the body has what is left of the read timeout.
    deadline_at(m_read_started + m_state->opts.limit.read_timeout);
    const auto& req = m_parser->get();
    // curl and others wait (1 s for curl) for "100 Continue" before sending a body larger
    // than ~1 KiB; CSRs often are. Body limits were already checked against Content-Length.
    if (!m_parser->is_done() && beast::iequals(req[http::field::expect], "100-continue")) {
        auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                          req.version());
        http::async_write(
            m_stream, *interim,
            [self = this->shared_from_this(), interim](beast::error_code ec, std::size_t) {
                if (ec) {
                    return self->on_read_error(ec);
                }
                self->read_body();
            });
        return;
    }
    read_body();
}

template <class Stream> void basic_session<Stream>::read_body() {
    if (m_parser->is_done()) {
        return on_read({}, 0);
    }
    http::async_read(m_stream, m_buffer, *m_parser,
                     beast::bind_front_handler(&basic_session::on_read, this->shared_from_this()));
}

template <class Stream> void basic_session<Stream>::on_read(beast::error_code ec, std::size_t) {
    if (ec) {
        return on_read_error(ec);
    }
    no_deadline(); // the handler's time is not the client's
    auto ctx = std::make_shared<request_context>();
    ctx->req = m_parser->release();
    ctx->request_id = ca::request_uuid();
    ctx->remote_address = m_remote;
    ctx->received = std::chrono::steady_clock::now();
    m_in_flight = true;
    m_ctx = ctx;
    dispatch(std::move(ctx));
}

template <class Stream> void basic_session<Stream>::on_read_error(beast::error_code ec) {
    if (ec == http::error::body_limit) {
        return reject(http::status::payload_too_large, k_too_large);
    }
    if (ec == http::error::header_limit) {
        return reject(http::status::request_header_fields_too_large, k_header_too_large);
    }
    if (m_closed || ec == net::error::operation_aborted) {
        return; // we closed it (stop, grace period over)
    }
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == beast::error::timeout) {
        log::debug("connection from " + m_remote + " closed: " + ec.message());
        return close();
    }
    if (ec.category() == http_category()) {
        // Not HTTP we understand. Answer once, then close: after a framing error we cannot know
        // where the next request would start.
        return reject(http::status::bad_request, k_bad_request);
    }
    log::debug("connection from " + m_remote + " failed: " + ec.message());
    close();
}

template <class Stream> void basic_session<Stream>::dispatch(std::shared_ptr<request_context> ctx) {
    if (!parse_target(ctx->req.target(), ctx->path, ctx->query)) {
        return write_response(json_response(ctx->req, http::status::bad_request, k_bad_request));
    }
    http::status status = http::status::not_found;
    const handler* h = m_state->routes.match(*ctx, &status);
    if (!h) {
        // Cheap enough to answer right here on the network thread.
        return write_response(json_response(
            ctx->req, status,
            status == http::status::method_not_allowed ? k_method_not_allowed : k_not_found));
    }
    auto slot = std::make_shared<reply_slot>(this->shared_from_this(), ctx);
    responder respond = [slot](response res) { slot->answer(std::move(res)); };
    // Handlers do crypto and SQL: never on a network thread. The gate parks the request while a
    // handler runs alone (request_gate.hpp).
    m_state->routes.gate()->admit([h, ctx = std::move(ctx), respond = std::move(respond),
                                   &workers = m_state->workers](auto admission) mutable {
        ctx->admission = std::move(admission);
        net::post(workers, [h, ctx = std::move(ctx), respond = std::move(respond)]() mutable {
            run_handler(*h, std::move(ctx), std::move(respond));
        });
    });
}

template <class Stream>
void basic_session<Stream>::reject(http::status status, const char* message) {
    auto ctx = std::make_shared<request_context>();
    if (m_parser && m_parser->is_header_done()) {
        // Keep method and target for the access log; the (partial) body is of no use.
        ctx->req = m_parser->release();
        ctx->req.body().clear();
    }
    ctx->request_id = ca::request_uuid();
    ctx->remote_address = m_remote;
    ctx->received = std::chrono::steady_clock::now();
    m_in_flight = true;
    m_close_after = true;
    m_linger = true;
    m_ctx = ctx;
    write_response(json_response(ctx->req, status, message));
}

template <class Stream> void basic_session<Stream>::write_response(response res) {
    if (m_closed || !m_ctx) {
        return;
    }
    if (m_ctx->answer_delay.count() > 0) {
        // A lab fault's delay: a timer, so that this network thread goes on serving others.
        auto timer =
            std::make_shared<net::steady_timer>(m_stream.get_executor(), m_ctx->answer_delay);
        m_ctx->answer_delay = {};
        timer->async_wait([self = this->shared_from_this(), timer, res = std::move(res)](
                              beast::error_code) mutable { self->write_response(std::move(res)); });
        return;
    }
    const auto& req = m_ctx->req;
    // Answer in the client's HTTP version; keep the connection only if both sides want it and
    // we are not shutting down.
    const bool keep =
        res.keep_alive() && req.keep_alive() && !m_close_after && !m_state->stopping.load();
    res.version(req.version());
    res.keep_alive(keep);
    res.set("X-Request-Id", m_ctx->request_id);
    try {
        res.prepare_payload();
    } catch (const std::exception& e) {
        log::error(describe(*m_ctx) + ": invalid response: " + e.what());
        res = json_response(req, http::status::internal_server_error, k_unexpected);
        res.keep_alive(keep);
        res.set("X-Request-Id", m_ctx->request_id);
    }
    m_close_after = !keep;
    if (m_ctx->stream_body && res.result() == http::status::ok) {
        return write_streamed(std::move(res));
    }
    m_res = std::move(res);
    if (m_ctx->transport == request_context::transport_fault::reset) {
        // A lab fault: no answer, an RST (linger 0) instead of an orderly FIN.
        beast::error_code ec;
        lowest().socket().set_option(net::socket_base::linger(true, 0), ec);
        m_closed = true;
        lowest().close();
        return on_write(net::error::operation_aborted, 0);
    }
    if (m_ctx->transport == request_context::transport_fault::truncate) {
        // A lab fault: the header promises the whole body, half of it comes, then the end.
        m_res.body().resize(m_res.body().size() / 2);
        m_close_after = true;
    }
    // A client that does not read its response must not pin the connection either.
    deadline_after(m_state->opts.limit.read_timeout);
    http::async_write(
        m_stream, m_res,
        beast::bind_front_handler(&basic_session::on_write, this->shared_from_this()));
}

template <class Stream> void basic_session<Stream>::write_streamed(response head) {
    m_stream_head =
        std::make_unique<http::response<http::empty_body>>(head.result(), head.version());
    for (const auto& f : head) {
        if (f.name() != http::field::content_length) {
            m_stream_head->set(f.name_string(), f.value());
        }
    }
    m_stream_head->keep_alive(head.keep_alive());
    m_stream_head->chunked(true);
    head.body().clear();
    m_res = std::move(head); // for the access log
    m_stream_sr = std::make_unique<http::response_serializer<http::empty_body>>(*m_stream_head);
    deadline_after(m_state->opts.limit.read_timeout);
    http::async_write_header(m_stream, *m_stream_sr,
                             [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                                 if (ec) {
                                     return self->on_write(ec, 0);
                                 }
                                 self->next_piece();
                             });
}

template <class Stream> void basic_session<Stream>::next_piece() {
    // The producer reads the database: on a worker thread, then back to this connection.
    no_deadline();
    net::post(m_state->workers, [self = this->shared_from_this(), ctx = m_ctx] {
        mark_worker_thread();
        auto piece = std::make_shared<std::string>();
        bool failed = false;
        try {
            *piece = ctx->stream_body();
        } catch (const std::exception& e) {
            log::error(describe(*ctx) + ": streamed body failed: " + e.what());
            failed = true;
        }
        net::post(self->m_stream.get_executor(), [self, piece, failed] {
            if (failed) {
                // The status is already sent: only a cut connection tells the client.
                self->m_close_after = true;
                return self->on_write(net::error::connection_aborted, 0);
            }
            self->on_piece(piece);
        });
    });
}

template <class Stream> void basic_session<Stream>::on_piece(std::shared_ptr<std::string> piece) {
    if (m_closed) {
        return;
    }
    deadline_after(m_state->opts.limit.read_timeout);
    if (piece->empty()) {
        net::async_write(m_stream, http::make_chunk_last(),
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                             self->m_stream_sr.reset();
                             self->m_stream_head.reset();
                             self->on_write(ec, n);
                         });
        return;
    }
    net::async_write(m_stream, http::make_chunk(net::buffer(*piece)),
                     [self = this->shared_from_this(), piece](beast::error_code ec, std::size_t) {
                         if (ec) {
                             return self->on_write(ec, 0);
                         }
                         self->next_piece();
                     });
}

template <class Stream> void basic_session<Stream>::on_write(beast::error_code ec, std::size_t) {
    const auto& ctx = *m_ctx;
    const std::chrono::duration<double, std::milli> latency =
        std::chrono::steady_clock::now() - ctx.received;
    if (log::queue_access(ctx.request_id, ctx.req.method_string(), log_safe_path(ctx.req.target()),
                          m_res.result_int(), latency.count())) {
        // The first line of this pass: written once the handlers already ready have run, with
        // the lines they queue (log.hpp).
        net::post(m_stream.get_executor(), [] { log::flush_access(); });
    }
    m_state->routes.metrics().record(ctx, m_res.result_int(), latency.count() / 1000);
    m_in_flight = false;
    m_ctx->admission.reset(); // a streamed body's request ends here
    m_ctx.reset();
    m_res = {};
    if (ec) {
        if (ec != net::error::operation_aborted) {
            log::debug("write to " + m_remote + " failed: " + ec.message());
        }
        return close();
    }
    if (m_close_after || m_state->stopping) {
        return m_linger ? lingering_close() : close();
    }
    do_read();
}

template <class Stream> void basic_session<Stream>::lingering_close() {
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) {
        return close();
    }
    deadline_after(k_linger_time);
    lowest().async_read_some(
        net::buffer(m_drain_buffer),
        beast::bind_front_handler(&basic_session::on_drain, this->shared_from_this()));
}

template <class Stream> void basic_session<Stream>::on_drain(beast::error_code ec, std::size_t n) {
    m_drained += n;
    if (ec || m_closed || m_drained > k_linger_bytes) {
        return close();
    }
    lowest().async_read_some(
        net::buffer(m_drain_buffer),
        beast::bind_front_handler(&basic_session::on_drain, this->shared_from_this()));
}

template <class Stream> void basic_session<Stream>::close() {
    if (m_closed) {
        return;
    }
    m_closed = true;
    beast::error_code ec;
    lowest().socket().shutdown(tcp::socket::shutdown_both, ec);
    lowest().close();
}

} // namespace localca::server::session_detail
