#pragma once
// Private: accepts connections and starts a session for each, or closes them at once beyond
// limits.max_connections (counted over every listener: they share the server state). All of it
// runs on one strand (the server's control strand).
#include "server/core/server_state.hpp"
#include "server/core/tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <memory>

namespace localca::server {

class listener : public std::enable_shared_from_this<listener> {
public:
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;

    // With `tls`, every connection is a TLS session on the slot's current context.
    listener(strand_type strand, std::shared_ptr<server_state> state,
             std::shared_ptr<const tls_context_slot> tls = nullptr);

    // Opens, binds and listens. Throws boost::system::system_error.
    void open(const boost::asio::ip::tcp::endpoint& endpoint);
    unsigned short port() const { return m_port; }

    // Starts accepting. Any thread.
    void run();
    // Stops accepting; on the strand.
    void close();

private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    strand_type m_strand;
    boost::asio::ip::tcp::acceptor m_acceptor;
    boost::asio::steady_timer m_backoff;
    std::shared_ptr<server_state> m_state;
    std::shared_ptr<const tls_context_slot> m_tls;
    unsigned short m_port = 0;
};

} // namespace localca::server
