#include "tools/localca/tls_certificate.hpp"

#include "ca/server_certificate.hpp"
#include "server/core/log.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace localca::tools {

namespace {

// After a failed renewal the current certificate is still served; try again this much later.
constexpr auto k_retry = std::chrono::seconds(60);
// How often the renewal thread compares the clock with the renewal time.
constexpr auto k_recheck = std::chrono::seconds(1);

std::string read_pem(const char* key, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream ss;
    if (in) {
        ss << in.rdbuf();
    }
    if (!in || ss.str().empty()) {
        throw std::runtime_error(std::string(key) + ": cannot read " + file);
    }
    return ss.str();
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        out += (out.empty() ? "" : ", ") + n;
    }
    return out;
}

} // namespace

std::chrono::system_clock::time_point renewal_time(std::chrono::system_clock::time_point not_before,
                                                   std::chrono::system_clock::time_point not_after,
                                                   std::chrono::seconds renew_before) {
    // The lifetime may be shorter than asked when the root expires sooner; then the default
    // rule applies.
    const auto lifetime = not_after - not_before;
    const auto lead = renew_before.count() > 0 && renew_before < lifetime
                          ? std::chrono::duration_cast<std::chrono::system_clock::duration>(renew_before)
                          : lifetime / 3;
    return not_after - lead;
}

void install_certificate_files(const tls_config& tls, const install_certificate& install) {
    const auto chain = read_pem("tls.certFile", tls.cert_file);
    const auto key = read_pem("tls.keyFile", tls.key_file);
    try {
        install(chain, key, nullptr); // not necessarily ours: nothing to staple
    } catch (const std::exception& e) {
        throw std::runtime_error("tls.certFile " + tls.cert_file + " / tls.keyFile " +
                                 tls.key_file + ": " + e.what());
    }
    server::log::info("TLS certificate from " + tls.cert_file);
}

auto_certificate::auto_certificate(ca::engine& engine, tls_config tls, install_certificate install,
                                   ca::ocsp_responder* responder)
    : m_engine(engine), m_tls(std::move(tls)), m_install(std::move(install)),
      m_responder(responder) {}

auto_certificate::~auto_certificate() {
    stop();
}

void auto_certificate::start() {
    m_next = renew();
    m_thread = std::thread([this] { run(); });
}

void auto_certificate::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

std::chrono::system_clock::time_point auto_certificate::renew() {
    ca::server_certificate_request req;
    req.names = m_tls.auto_names;
    req.validity = std::chrono::seconds(m_tls.validity_days * 86400LL);
    req.audit.actor = "tls-auto";
    const auto issued = ca::issue_server_certificate(m_engine, req);
    if (!issued) {
        throw std::runtime_error("cannot issue the TLS certificate: " + issued.err().message +
                                 ": " + issued.err().detail);
    }
    const auto& cert = issued->certificate;
    // The staple is made before the certificate is installed: no handshake with the new
    // certificate goes without one.
    auto staple = std::make_shared<server::ocsp_staple>();
    if (m_responder) {
        const auto a = m_responder->respond_for(ca::authority_kind::rsa, cert.sn, m_engine.clock().now());
        if (a.status == ca::ocsp_response_status::successful) {
            staple->set(a.der);
            const auto now = m_engine.clock().now();
            m_staple_at = now + (a.next_update - now) / 2;
        }
    }
    m_install(cert.pem, issued->private_key_pem, staple);
    m_staple = staple;
    m_sn = cert.sn;

    const auto next = renewal_time(cert.not_before, cert.not_after,
                                   std::chrono::duration_cast<std::chrono::seconds>(m_tls.renew_before));
    const auto in = std::chrono::duration_cast<std::chrono::seconds>(next - m_engine.clock().now());
    server::log::info("TLS certificate " + std::to_string(cert.sn) + " for " +
                      join(m_tls.auto_names) + " issued by the RSA authority; renewal in " +
                      std::to_string(in.count()) + " s");
    return next;
}

bool auto_certificate::renew_if_due() {
    if (m_engine.clock().now() < m_next) {
        return false;
    }
    try {
        m_next = renew();
    } catch (const std::exception& e) {
        server::log::error(std::string(e.what()) + "; still serving the current one, retrying in " +
                           std::to_string(k_retry.count()) + " s");
        m_next = m_engine.clock().now() + k_retry;
    }
    return true;
}

std::chrono::system_clock::time_point auto_certificate::refresh_staple() {
    const auto now = m_engine.clock().now();
    const auto a = m_responder->respond_for(ca::authority_kind::rsa, m_sn, now);
    if (a.status != ca::ocsp_response_status::successful) {
        throw std::runtime_error("cannot sign the OCSP staple: " + a.detail);
    }
    m_staple->set(a.der);
    return now + (a.next_update - now) / 2;
}

void auto_certificate::run() {
    std::unique_lock lock(m_mutex);
    // The wait is measured on the steady clock; the date it waits for is the engine clock's.
    while (!m_cv.wait_for(lock, k_recheck, [this] { return m_stopping; })) {
        lock.unlock();
        if (!renew_if_due() && m_responder && m_engine.clock().now() >= m_staple_at) {
            try {
                m_staple_at = refresh_staple();
            } catch (const std::exception& e) {
                server::log::error(std::string(e.what()) + "; retrying in " +
                                   std::to_string(k_retry.count()) + " s");
                m_staple_at = m_engine.clock().now() + k_retry;
            }
        }
        lock.lock();
    }
}

} // namespace localca::tools
