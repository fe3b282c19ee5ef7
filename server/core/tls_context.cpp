#include "server/core/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <stdexcept>

namespace localca::server {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites: forward secrecy (ECDHE) and AEAD only, ECDSA first for ECDSA certificates,
// AES-128-GCM first (fast with AES-NI, strong enough), ChaCha20 for clients without AES-NI.
// No CBC (Lucky13-style padding oracles), no static RSA key exchange (no forward secrecy), no
// finite-field DHE (slow; parameters must be managed). TLS 1.3 suites are OpenSSL's defaults.
constexpr const char* k_tls12_ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:"
                                        "ECDHE-RSA-AES128-GCM-SHA256:"
                                        "ECDHE-ECDSA-AES256-GCM-SHA384:"
                                        "ECDHE-RSA-AES256-GCM-SHA384:"
                                        "ECDHE-ECDSA-CHACHA20-POLY1305:"
                                        "ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* k_groups = "X25519:P-256:P-384";

// The last OpenSSL error as text, and the queue cleared.
std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        return "unknown OpenSSL error";
    }
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    return buf;
}

void require(bool ok, const std::string& what) {
    if (!ok) {
        throw std::runtime_error(what + ": " + openssl_error());
    }
}

// Server side of status_request (RFC 6066 8): runs in the handshake, on a network thread, so it
// only copies bytes prepared elsewhere. OpenSSL frees the buffer.
int staple_callback(SSL* ssl, void* arg) {
    const auto der = static_cast<const ocsp_staple*>(arg)->get();
    if (!der || der->empty()) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    auto* buf = static_cast<unsigned char*>(OPENSSL_malloc(der->size()));
    if (!buf) {
        return SSL_TLSEXT_ERR_NOACK;
    }
    std::copy(der->begin(), der->end(), buf);
    if (SSL_set_tlsext_status_ocsp_resp(ssl, buf, static_cast<long>(der->size())) != 1) {
        OPENSSL_free(buf);
        return SSL_TLSEXT_ERR_NOACK;
    }
    return SSL_TLSEXT_ERR_OK;
}

} // namespace

std::shared_ptr<ssl::context> make_tls_context(const std::string& chain_pem,
                                               const std::string& key_pem,
                                               std::shared_ptr<const ocsp_staple> staple) {
    ERR_clear_error();
    // The context and its staple in one allocation: OpenSSL's callback argument (a raw pointer
    // to the staple) lives exactly as long as the context.
    struct with_staple {
        ssl::context ctx{ssl::context::tls_server};
        std::shared_ptr<const ocsp_staple> staple;
    };
    auto holder = std::make_shared<with_staple>();
    holder->staple = std::move(staple);
    std::shared_ptr<ssl::context> ctx(holder, &holder->ctx);
    SSL_CTX* native = ctx->native_handle();
    require(SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) == 1,
            "cannot set the minimum TLS version");
    SSL_CTX_set_options(native, SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 |
                                    SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
                                    SSL_OP_CIPHER_SERVER_PREFERENCE);
    require(SSL_CTX_set_cipher_list(native, k_tls12_ciphers) == 1,
            "cannot set the TLS 1.2 cipher suites");
    require(SSL_CTX_set1_groups_list(native, k_groups) == 1, "cannot set the key exchange groups");

    try {
        ctx->use_certificate_chain(boost::asio::buffer(chain_pem));
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("cannot use the certificate: " + e.code().message());
    }
    try {
        ctx->use_private_key(boost::asio::buffer(key_pem), ssl::context::pem);
    } catch (const boost::system::system_error& e) {
        // OpenSSL checks the key against the certificate here; Asio's error value is the
        // OpenSSL error code.
        if (e.code().category() == boost::asio::error::get_ssl_category() &&
            ERR_GET_REASON(static_cast<unsigned long>(e.code().value())) ==
                X509_R_KEY_VALUES_MISMATCH) {
            throw std::runtime_error("the private key does not match the certificate");
        }
        throw std::runtime_error("cannot use the private key: " + e.code().message());
    }
    require(SSL_CTX_check_private_key(native) == 1,
            "the private key does not match the certificate");
    if (holder->staple) {
        SSL_CTX_set_tlsext_status_cb(native, staple_callback);
        SSL_CTX_set_tlsext_status_arg(native, const_cast<ocsp_staple*>(holder->staple.get()));
    }
    return ctx;
}

void tls_context_slot::set(std::shared_ptr<ssl::context> ctx) {
    std::lock_guard lock(m_mutex);
    m_ctx = std::move(ctx);
}

std::shared_ptr<ssl::context> tls_context_slot::get() const {
    std::lock_guard lock(m_mutex);
    return m_ctx;
}

} // namespace localca::server
