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

// clock: replace with the injected clock
std::chrono::system_clock::time_point clock_now() {
    return std::chrono::system_clock::now();
}

} // namespace

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
    const auto next = renew();
    m_thread = std::thread([this, next] { run(next); });
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
        const auto a = m_responder->respond_for(ca::authority_kind::rsa, cert.sn, clock_now());
        if (a.status == ca::ocsp_response_status::successful) {
            staple->set(a.der);
        }
    }
    m_install(cert.pem, issued->private_key_pem, staple);
    m_staple = staple;
    m_sn = cert.sn;

    // A third of the lifetime before notAfter unless configured; the lifetime may be shorter
    // than asked when the root expires sooner, then the default rule applies.
    const auto lifetime = cert.not_after - cert.not_before;
    const auto lead =
        m_tls.renew_before.count() > 0 && m_tls.renew_before < lifetime
            ? std::chrono::duration_cast<std::chrono::system_clock::duration>(m_tls.renew_before)
            : lifetime / 3;
    const auto next = cert.not_after - lead;
    const auto in = std::chrono::duration_cast<std::chrono::seconds>(next - clock_now());
    server::log::info("TLS certificate " + std::to_string(cert.sn) + " for " +
                      join(m_tls.auto_names) + " issued by the RSA authority; renewal in " +
                      std::to_string(in.count()) + " s");
    return next;
}

std::chrono::system_clock::time_point auto_certificate::refresh_staple() {
    const auto now = clock_now();
    const auto a = m_responder->respond_for(ca::authority_kind::rsa, m_sn, now);
    if (a.status != ca::ocsp_response_status::successful) {
        throw std::runtime_error("cannot sign the OCSP staple: " + a.detail);
    }
    m_staple->set(a.der);
    return now + (a.next_update - now) / 2;
}

void auto_certificate::run(std::chrono::system_clock::time_point next) {
    std::unique_lock lock(m_mutex);
    auto staple_at = m_responder ? clock_now() + m_responder->opts().response_validity / 2
                                 : std::chrono::system_clock::time_point::max();
    for (;;) {
        if (m_cv.wait_until(lock, std::min(next, staple_at), [this] { return m_stopping; })) {
            return;
        }
        lock.unlock();
        if (clock_now() < next) {
            try {
                staple_at = refresh_staple();
            } catch (const std::exception& e) {
                server::log::error(std::string(e.what()) + "; retrying in " +
                                   std::to_string(k_retry.count()) + " s");
                staple_at = clock_now() + k_retry;
            }
            lock.lock();
            continue;
        }
        try {
            next = renew();
            if (m_responder) {
                staple_at = clock_now() + m_responder->opts().response_validity / 2;
            }
        } catch (const std::exception& e) {
            server::log::error(std::string(e.what()) +
                               "; still serving the current one, retrying in " +
                               std::to_string(k_retry.count()) + " s");
            next = clock_now() + k_retry;
        }
        lock.lock();
    }
}

} // namespace localca::tools
