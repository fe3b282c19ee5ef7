// The TLS instantiation of the session (basic_session.hpp); session.cpp has the plain one.
#include "server/core/basic_session.hpp"

namespace localca::server {

using session_detail::basic_session;
using session_detail::tls_stream;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

std::shared_ptr<session> make_tls_session(tcp::socket socket, std::shared_ptr<server_state> state,
                                          std::shared_ptr<ssl::context> tls) {
    return std::make_shared<basic_session<tls_stream>>(std::move(socket), std::move(state),
                                                       std::move(tls));
}

} // namespace localca::server
