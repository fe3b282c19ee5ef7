#include "server/core/listen_address.hpp"

#include <charconv>
#include <stdexcept>

namespace localca::server {

listen_address parse_listen_address(std::string_view text) {
    listen_address out;
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            throw std::invalid_argument("missing ']' after IPv6 address");
        }
        out.host = std::string(text.substr(1, close - 1));
        if (out.host.empty()) {
            throw std::invalid_argument("empty IPv6 address");
        }
        if (close + 1 >= text.size() || text[close + 1] != ':') {
            throw std::invalid_argument("expected ':PORT' after ']'");
        }
        port_text = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) {
            throw std::invalid_argument("expected HOST:PORT");
        }
        out.host = std::string(text.substr(0, colon));
        if (out.host.find(':') != std::string::npos) {
            // Without brackets "::1:80" is ambiguous; RFC 3986 requires them.
            throw std::invalid_argument(
                "IPv6 addresses must be written in brackets, e.g. [::1]:8080");
        }
        port_text = text.substr(colon + 1);
    }
    unsigned value = 0;
    const auto* first = port_text.data();
    const auto* last = first + port_text.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (port_text.empty() || ec != std::errc() || ptr != last || value > 65535) {
        throw std::invalid_argument("invalid port '" + std::string(port_text) + "'");
    }
    out.port = static_cast<unsigned short>(value);
    return out;
}

} // namespace localca::server
