// The plain-TCP instantiation of the session (basic_session.hpp); tls_session.cpp has the other.
#include "server/core/basic_session.hpp"

namespace localca::server {

using session_detail::basic_session;
namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

std::shared_ptr<session> make_session(tcp::socket socket, std::shared_ptr<server_state> state) {
    return std::make_shared<basic_session<beast::tcp_stream>>(std::move(socket), std::move(state),
                                                              nullptr);
}

} // namespace localca::server
