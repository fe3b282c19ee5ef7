#pragma once
// The certificate of the HTTPS listener (config "tls"): from PEM files, or in "auto" mode issued
// by LocalCA's RSA authority at start and re-issued before it expires. Each certificate is
// installed through `install` (http_server::set_tls_certificate): new connections get it,
// connections already open keep the one they started with.
#include "ca/engine.hpp"
#include "ca/ocsp_responder.hpp"
#include "server/core/ocsp_staple.hpp"
#include "tools/localca/config.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace localca::tools {

// `staple` (may be null): the OCSP response to staple for this certificate.
using install_certificate =
    std::function<void(const std::string& chain_pem, const std::string& key_pem,
                       std::shared_ptr<const server::ocsp_staple> staple)>;

// Reads tls.certFile and tls.keyFile and installs them. Throws std::runtime_error naming the key
// and the file when one cannot be read, and saying so when the key does not match.
void install_certificate_files(const tls_config& tls, const install_certificate& install);

// When a certificate valid over [not_before, not_after] is renewed: `renew_before` ahead of
// not_after when configured and shorter than its lifetime, else a third of the lifetime ahead.
std::chrono::system_clock::time_point renewal_time(std::chrono::system_clock::time_point not_before,
                                                   std::chrono::system_clock::time_point not_after,
                                                   std::chrono::seconds renew_before);

// "auto" mode. Issuing blocks (key generation, signing, commit): it runs on the thread that
// calls start() and then on a renewal thread of its own, never on a network thread. The renewal
// time is the engine's clock's: the thread looks at that clock every second rather than sleeping
// until a date, so that a clock that jumps (the lab's) renews on time.
class auto_certificate {
public:
    // With a responder, each certificate is installed with a fresh OCSP response of its own,
    // re-signed when half of the response's validity has passed (stapling).
    auto_certificate(ca::engine& engine, tls_config tls, install_certificate install,
                     ca::ocsp_responder* responder = nullptr);
    ~auto_certificate(); // stop()
    auto_certificate(const auto_certificate&) = delete;
    auto_certificate& operator=(const auto_certificate&) = delete;

    // Issues and installs the first certificate (throws std::runtime_error if that fails: the
    // server must not start without one), then starts the renewal thread.
    void start();
    // Ends the renewal thread (waits for an issuance in progress). Idempotent.
    void stop();

    // One step of the renewal thread: when the engine's clock has reached next_renewal(), issues
    // and installs a new certificate (after a failure: keeps the current one and tries again a
    // minute later). Returns whether it was due. Called by the renewal thread only, or by a test
    // that did not start() it.
    bool renew_if_due();
    // The engine-clock time of the next renewal.
    std::chrono::system_clock::time_point next_renewal() const { return m_next; }

private:
    // Issues and installs one certificate; returns when to renew it. Throws on failure.
    std::chrono::system_clock::time_point renew();
    // Re-signs the staple of the current certificate; returns when to do it again.
    std::chrono::system_clock::time_point refresh_staple();
    void run();
    // The engine-clock time the staple is re-signed next (max() without a responder).
    std::chrono::system_clock::time_point m_staple_at = std::chrono::system_clock::time_point::max();

    ca::engine& m_engine;
    const tls_config m_tls;
    const install_certificate m_install;
    ca::ocsp_responder* const m_responder;
    std::shared_ptr<server::ocsp_staple> m_staple; // of the current certificate
    std::int64_t m_sn = 0;                         // the current certificate

    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::thread m_thread;
    std::chrono::system_clock::time_point m_next; // the renewal thread's (or the test's)
};

} // namespace localca::tools
