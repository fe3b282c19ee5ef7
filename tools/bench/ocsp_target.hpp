#pragma once
// --mode ocsp: OCSP requests against the localca server the localca target started. Two kinds:
// cached GETs (no nonce: the pre-signed response of each serial) and nonce POSTs (one signature
// per request). Serials 1..items of the bench's authority: the certificates the issuance round
// made, the responder certificates, and serials not issued (answered `unknown`, cached alike).
#include "tools/bench/bench.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace localca::bench {

class ocsp_target final : public target {
public:
    ocsp_target(std::uint16_t port, int server_pid, const std::filesystem::path& root_pem,
                std::size_t items, bool nonce);
    std::string name() const override { return m_nonce ? "ocsp-nonce" : "ocsp-get"; }
    std::uint16_t port() const override { return m_port; }
    request make_request(std::size_t i) override;
    std::string check(std::size_t i, const http_result& r) override;
    int server_pid() const override { return m_pid; }

private:
    std::uint16_t m_port;
    int m_pid;
    bool m_nonce;
    std::vector<std::string> m_requests; // per item: GET target, or POST body
};

// CPU ms of one OCSP response signature with a fresh key of the authority's type (RSA-2048
// PKCS#1 v1.5 / P-256 ECDSA, SHA-256), in this process.
double ocsp_sign_cost_ms(const std::string& authority);

} // namespace localca::bench
