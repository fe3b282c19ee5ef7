#pragma once
// Builds, stores and caches the CRLs, off the writer: a revocation commits its status change, its
// audit entry and a bump of its authority's revocation counter (storage/crl_state_repository.hpp)
// and nothing more, so its cost does not grow with the CRL.
//
// The promise: a CRL fetched after a revocation's answer includes it. current() reads the
// authority's counter (one primary-key read, which also sees revocations committed by another
// process such as `localca revoke`) and compares it with the counter the cached CRL was built
// from; when stale it builds on the spot. One build per authority at a time: other fetchers wait
// for it and then check again (a build that started before their revocation committed does not
// count). After revocations, a background rebuild (debounced, so that many revocations make one
// CRL) keeps fetches hitting the cache. A CRL is also re-signed once half of its validity has
// passed on the injected clock.
//
// cRLNumber only grows: a build numbers its CRL stored number + 1, and the short writer job that
// stores it checks that the stored number is still the one before; if another process took it, the
// build starts over. The DER itself goes to the CRL archive (storage/crl_state_repository.hpp),
// never through the writer: the writer's job only moves the number.
#include "ca/authority.hpp"
#include "ca/authority_kind.hpp"
#include "ca/clock.hpp"
#include "storage/crl_state_repository.hpp"
#include "storage/store.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace localca::ca {

class crl_publisher {
public:
    using authority_of = std::function<const authority&(authority_kind)>;
    struct settings {
        std::chrono::seconds next_update{7 * 24 * 3600}; // nextUpdate - thisUpdate
        // How long the background rebuild waits after the first revocation of a burst; at least
        // `spacing` times the last build's duration, so that background builds of a large CRL
        // take at most ~1/spacing of a core while revocations keep coming (fetches still build
        // on demand when stale).
        std::chrono::milliseconds debounce{200};
        int spacing = 10;
    };

    // `signer` returns the authority signing each kind's CRL; it and `store` outlive this object.
    crl_publisher(storage::store& store, std::shared_ptr<const ca::clock> clk, authority_of signer,
                  settings s);
    ~crl_publisher(); // stops the background rebuild (a build under way finishes first)

    crl_publisher(const crl_publisher&) = delete;
    crl_publisher& operator=(const crl_publisher&) = delete;

    // The authority's CRL (DER), including every revocation committed before the call. May block
    // on SQL, signing and one writer job: call it from a worker thread, never from the writer's.
    std::vector<std::uint8_t> current(authority_kind kind);

    // Called once a revocation has committed (on any thread, the writer's included): bumps the
    // in-process generation and schedules the debounced background rebuild.
    void revoked();

    // CRLs this process built and stored (for tests and the log), and revocations it was told of.
    std::uint64_t builds() const { return m_builds.load(); }
    std::uint64_t generation() const { return m_generation.load(); }

private:
    struct cached {
        std::shared_ptr<const std::vector<std::uint8_t>> der;
        std::int64_t number = 0;
        std::int64_t built_from = 0; // authorities.revocations the CRL includes
        std::int64_t this_update = 0;
    };
    struct slot {
        std::mutex mutex;
        std::condition_variable done;
        bool building = false;
        std::optional<cached> crl;
    };
    slot& slot_of(authority_kind kind) { return kind == authority_kind::rsa ? m_rsa : m_ecc; }
    bool expired(std::int64_t this_update, std::int64_t now) const;
    cached build(authority_kind kind);
    void background();
    // Runs `use` on the CRL archive (storage/crl_state_repository.hpp), opened on first use; a
    // failure is logged and swallowed: the archive only spares rebuilds.
    void with_archive(const std::function<void(storage::connection&)>& use);
    // The stored CRL `s` describes, from the archive (or init's, in table authorities), if found.
    std::optional<std::vector<std::uint8_t>> stored_der(const std::string& name,
                                                        const storage::crl_state& s);

    storage::store& m_store;
    std::shared_ptr<const ca::clock> m_clock;
    authority_of m_signer;
    settings m_settings;
    slot m_rsa;
    slot m_ecc;
    std::atomic<std::uint64_t> m_builds{0};
    std::atomic<std::uint64_t> m_generation{0};
    std::atomic<std::int64_t> m_last_build_ms{0};
    std::mutex m_archive_mutex; // one archive connection, used by one thread at a time
    std::unique_ptr<storage::connection> m_archive;

    std::mutex m_bg_mutex;
    std::condition_variable m_bg_cv;
    std::optional<std::chrono::steady_clock::time_point> m_due; // debounce deadline (not wall time)
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace localca::ca
