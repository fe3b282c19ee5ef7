#include "server/core/listener.hpp"
#include "server/core/log.hpp"
#include "server/core/session.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/beast/core/bind_handler.hpp>

namespace localca::server {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

listener::listener(strand_type strand, std::shared_ptr<server_state> state,
                   std::shared_ptr<const tls_context_slot> tls)
    : m_strand(strand), m_acceptor(strand), m_backoff(strand), m_state(std::move(state)),
      m_tls(std::move(tls)) {}

void listener::open(const tcp::endpoint& endpoint) {
    m_acceptor.open(endpoint.protocol());
    // Lets a restarted server bind while old connections sit in TIME_WAIT.
    m_acceptor.set_option(net::socket_base::reuse_address(true));
    if (endpoint.address().is_v6()) {
        // "[::]:port" means IPv6 only; dual-stack behaviour would depend on a sysctl.
        m_acceptor.set_option(net::ip::v6_only(true));
    }
    m_acceptor.bind(endpoint);
    m_acceptor.listen(net::socket_base::max_listen_connections);
    m_port = m_acceptor.local_endpoint().port();
}

void listener::run() {
    net::dispatch(m_strand, [self = shared_from_this()] { self->do_accept(); });
}

void listener::close() {
    boost::system::error_code ec;
    m_acceptor.close(ec);
    m_backoff.cancel();
}

void listener::do_accept() {
    if (!m_acceptor.is_open()) {
        return;
    }
    // Each connection gets its own strand: with several io threads its handlers never run
    // concurrently, and distinct connections still run in parallel.
    m_acceptor.async_accept(net::make_strand(m_strand.get_inner_executor()),
                            beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !m_acceptor.is_open()) {
        return; // closed by stop()
    }
    if (ec) {
        // Typically EMFILE/ENFILE: retrying at once would spin; give closing sessions a moment.
        log::warn("accept failed: " + ec.message());
        m_backoff.expires_after(std::chrono::milliseconds(100));
        m_backoff.async_wait([self = shared_from_this()](boost::system::error_code ec) {
            if (!ec) {
                self->do_accept();
            }
        });
        return;
    }
    if (m_state->stopping) {
        socket.close(ec);
        return;
    }
    if (m_state->live.load() >= m_state->opts.limit.max_connections) {
        log::warn("connection limit (" + std::to_string(m_state->opts.limit.max_connections) +
                  ") reached; closing a new connection");
        socket.close(ec);
    } else {
        auto s = m_tls ? make_tls_session(std::move(socket), m_state, m_tls->get())
                       : make_session(std::move(socket), m_state);
        m_state->add_session(s);
        s->run();
    }
    do_accept();
}

} // namespace localca::server
