#pragma once
// cfssl under test (Debian golang-cfssl): `cfssl serve` with a CA of the same key type, no
// database, driven through POST /api/v1/cfssl/sign with the same CSRs.
#include "tools/bench/bench.hpp"
#include "tools/bench/process.hpp"

namespace localca::bench {

class cfssl_target final : public target {
public:
    cfssl_target(const options& opts, const std::vector<csr_item>& csrs);
    std::string name() const override { return "cfssl"; }
    std::uint16_t port() const override { return m_port; }
    request make_request(std::size_t i) override;
    std::string check(std::size_t i, const http_result& r) override;
    int server_pid() const override { return m_server ? m_server->pid() : -1; }

private:
    const std::vector<csr_item>& m_csrs;
    std::vector<std::string> m_bodies; // the request bodies, built once
    std::uint16_t m_port = 0;
    std::unique_ptr<child> m_server;
};

} // namespace localca::bench
