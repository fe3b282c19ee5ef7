#pragma once
// The OCSP response the HTTPS listener staples (RFC 6066 status_request) for one certificate.
// Filled and refreshed off the network threads (tools/localca/tls_certificate); the TLS
// handshake, on a network thread, only copies the current bytes.
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace localca::server {

class ocsp_staple {
public:
    void set(std::vector<std::uint8_t> der) {
        auto p = std::make_shared<const std::vector<std::uint8_t>>(std::move(der));
        std::lock_guard lock(m_mutex);
        m_der = std::move(p);
    }
    // Null or empty: nothing to staple.
    std::shared_ptr<const std::vector<std::uint8_t>> get() const {
        std::lock_guard lock(m_mutex);
        return m_der;
    }

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<const std::vector<std::uint8_t>> m_der;
};

} // namespace localca::server
