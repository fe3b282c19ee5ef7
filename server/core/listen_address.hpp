#pragma once
// Private: the "HOST:PORT" form of options::listen.
#include <string>
#include <string_view>

namespace localca::server {

struct listen_address {
    std::string host; // without brackets for IPv6; may be empty (= all IPv4 interfaces)
    unsigned short port = 0;
};

// Accepts "127.0.0.1:8080", "[::1]:8443", "localhost:0", ":8080". Throws std::invalid_argument
// with a reason (no address in it; the caller adds that).
listen_address parse_listen_address(std::string_view text);

} // namespace localca::server
