#pragma once
// A Mosquitto-ready view of the managed certificates' state, in two files:
//   - the ACL file (acl_file): for every subject CN of an ACTIVE certificate, "user <CN>" and one
//     "topic readwrite <filter>" per filter of its policy. INACTIVE and REVOKED certificates are
//     absent, so a broker with use_identity_as_username gives them no topic at all;
//   - the RSA authority's CRL in PEM (crlfile), so revoked certificates fail the TLS handshake.
// Files are replaced atomically (temporary file + rename) and only when their content changes;
// after a change the reload command runs (e.g. SIGHUP to the broker, which re-reads both).
#include "ca/engine.hpp"
#include "ca/foundry/managed_certificate_service.hpp"
#include "server/foundry/options.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace localca::server::foundry {

// The ACL file's text for these grants (ordered by CN, as active_topic_grants() returns them).
std::string acl_text(const std::vector<storage::foundry::topic_grant>& grants);

class mosquitto_view {
public:
    mosquitto_view(ca::engine& engine, ca::foundry::managed_certificate_service& certificates,
                   mosquitto_options opts, std::chrono::seconds refresh_interval);
    ~mosquitto_view(); // stops the refresher

    mosquitto_view(const mosquitto_view&) = delete;
    mosquitto_view& operator=(const mosquitto_view&) = delete;

    // Brings the files up to date with what is committed now, and returns once they are
    // written (and the reload command has run). Call it after a committed change. Thread-safe:
    // concurrent calls are served by one rewrite when it started after their changes.
    // Failures are logged, never thrown: the change itself is already durable.
    void sync();

    // Starts the background thread that calls sync() every refresh_interval.
    void start_refresher();

private:
    void rewrite();

    ca::engine& m_engine;
    ca::foundry::managed_certificate_service& m_certificates;
    mosquitto_options m_options;
    std::chrono::seconds m_refresh;

    std::mutex m_write_mutex;                  // one rewrite at a time
    std::atomic<std::uint64_t> m_requested{0}; // sync() calls so far
    std::uint64_t m_done = 0;                  // calls whose change the files already show

    std::mutex m_stop_mutex;
    std::condition_variable m_stop_cv;
    bool m_stopping = false;
    std::thread m_refresher;
};

} // namespace localca::server::foundry
