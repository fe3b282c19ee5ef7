#pragma once
// Private: the TLS configuration of the HTTPS listener (OpenSSL through Asio SSL; nothing else in
// LocalCA uses OpenSSL), and the slot that holds the context new connections use.
#include "server/core/ocsp_staple.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <mutex>
#include <string>

namespace localca::server {

// A server context for the PEM certificate chain (leaf first) and private key: TLS 1.2 and 1.3
// only; for TLS 1.2 only ECDHE key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305), the
// server's preference order; TLS 1.3 with OpenSSL's default suites (all AEAD); no compression,
// no renegotiation. Throws std::runtime_error saying what is wrong (no certificate in the chain,
// unreadable key, key that does not match the certificate).
// With a staple, a client that sends status_request gets its current response (none while
// it is empty); the context keeps the staple alive.
std::shared_ptr<boost::asio::ssl::context>
make_tls_context(const std::string& chain_pem, const std::string& key_pem,
                 std::shared_ptr<const ocsp_staple> staple = nullptr);

// The context handed to new TLS connections. Replacing it (certificate renewal) affects only
// connections accepted afterwards: each session keeps the context it started with. Thread-safe.
class tls_context_slot {
public:
    void set(std::shared_ptr<boost::asio::ssl::context> ctx);
    // Null until the first set().
    std::shared_ptr<boost::asio::ssl::context> get() const;

private:
    mutable std::mutex m_mutex;
    std::shared_ptr<boost::asio::ssl::context> m_ctx;
};

} // namespace localca::server
