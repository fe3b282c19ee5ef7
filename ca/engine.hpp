#pragma once
// The CA engine: both authorities, issuance policy, revocation and CRLs over the store.
// Protocol-neutral: requests in, results or ca::error out. Knows no HTTP, JSON or vendor.
//
// Threading: every call may block on crypto or SQL; call it from a worker thread, never from a
// network thread. issue()/revoke() complete on the storage writer thread after the COMMIT
// that made the change durable.
#include "ca/audit.hpp"
#include "ca/authority.hpp"
#include "ca/certificate_record.hpp"
#include "ca/clock.hpp"
#include "ca/errc.hpp"
#include "ca/issuance_metrics.hpp"
#include "ca/options.hpp"
#include "ca/profile.hpp"
#include "ca/secret_box.hpp"
#include "ca/subject_key.hpp"
#include "storage/certificate_repository.hpp"
#include "storage/serial_sequence.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace localca::ca {

class lint_failure;  // tbs_lint.hpp
class crl_publisher; // crl_publisher.hpp

struct issue_request {
    authority_kind authority = authority_kind::rsa;
    subject_key subject;           // from check_csr() or from the certificate being renewed
    std::int64_t valid_days = 730; // must be > 0
    // Exact validity in seconds; when set it replaces valid_days (max_valid_days still applies,
    // rounded up to whole days by the caller if it wants one).
    std::optional<std::chrono::seconds> validity;
    // notBefore; none = now. Must be before the root's notAfter (not_before_invalid).
    std::optional<std::chrono::system_clock::time_point> not_before;
    std::optional<std::int64_t> max_valid_days; // validity_exceeds_maximum above it
    std::optional<std::int64_t> device;         // bind the certificate to this device
    certificate_profile profile = device_profile();
    // The API that issued it ("pki", "server", or a personality's own name), stored with the
    // certificate for the operator's inventory (schemas/010_admin.sql).
    std::string api = "pki";
    // Refuse when the CN / the key is in a live certificate bound to another device (or to none),
    // checked inside the committing transaction (only there) so concurrent requests cannot both
    // pass.
    bool unique_subject = false;
    bool unique_key = false;
    // A certificate whose CN and key do not count as duplicates (the one being renewed).
    std::optional<std::int64_t> renewing_sn;
    // Who asked, for the audit entry written in the issuing transaction ("issue", or "renew"
    // when renewing_sn is set, unless audit.action says otherwise).
    audit_context audit;
};

struct issued_certificate {
    std::int64_t sn = 0;
    authority_kind authority = authority_kind::rsa;
    std::vector<std::uint8_t> der;
    std::string pem; // "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
};

struct revoke_request {
    std::int64_t sn = 0;
    int reason = 0;                     // RFC 5280 code: 0,1,3,4,5,6,9 accepted
    std::optional<std::int64_t> device; // when set, the certificate must be bound to it
    audit_context audit;                // for the "revoke" audit entry of the transaction
};

class engine {
public:
    // Creates <data_dir>/ca/ (0700), the passphrase file if needed, both authorities (keys as
    // encrypted PKCS#8 files, roots and an initial empty CRL in the database). Creates only what is
    // missing. Returns true if anything was created.
    // The roots' notBefore and the first CRL's thisUpdate are `clk`'s time.
    static bool initialize(const std::filesystem::path& data_dir, storage::store& store,
                           const options& opts, const ca::clock& clk = *real_time());

    // Loads both authorities (initialize() must have run) and opens the sealing key of the
    // secrets at rest (ca/sealing_key.hpp). Throws std::runtime_error if a key or root is missing
    // or the passphrase is wrong.
    // Every date the engine and the services built on it decide by is `clk`'s (ca/clock.hpp).
    engine(const std::filesystem::path& data_dir, storage::store& store, const options& opts,
           std::shared_ptr<const ca::clock> clk = real_time());
    ~engine();

    const authority& get(authority_kind kind) const;
    const options& opts() const { return m_options; }
    // The injected wall clock; it outlives every writer job the engine queued.
    const ca::clock& clock() const { return *m_clock; }
    storage::store& store() { return m_store; }

    // Whether the database answers a query now (a node's health, GET /healthz). Blocks: call it
    // on a worker thread. `problem` is the database's own error, for the log only.
    struct database_health {
        bool ok = true;
        const char* backend = "sqlite"; // storage.backend
        std::string problem;
    };
    database_health check_database();
    // Seals and opens the secrets the API modules store in the database (client secrets, keys).
    const secret_box& secrets() const { return *m_secrets; }

    using issue_callback = std::function<void(result<issued_certificate>)>;
    // Validates the request, signs (on the calling thread), then commits the row through the
    // writer; `done` runs after the COMMIT (or with the error). Never throws for expected failures.
    void issue(issue_request req, issue_callback done);
    // Blocking form of issue(), for the CLI and tests.
    result<issued_certificate> issue_sync(issue_request req);

    // Several certificates at once, all or nothing: every request is validated and signed first
    // (the first refusal fails the batch and nothing is written), then every row and the
    // caller's `also` writes commit in one transaction. `also` runs on the writer thread inside
    // that transaction with the certificates in request order; what it throws rolls it all back.
    // unique_subject / unique_key are not supported here.
    using batch_writes =
        std::function<void(storage::connection&, const std::vector<issued_certificate>&)>;
    using batch_callback = std::function<void(result<std::vector<issued_certificate>>)>;
    void issue_batch(std::vector<issue_request> reqs, batch_writes also, batch_callback done);

    using revoke_callback = std::function<void(status)>;
    // A caller's own checks and writes, run inside the revoking transaction once the engine's
    // checks passed (found, bound, not yet revoked) and before the certificate is marked revoked,
    // so that a service's state changes commit together with the revocation. An error refuses
    // the revocation; the hook must then have written nothing.
    using revoke_hook = std::function<status(storage::connection&)>;
    // Marks the certificate revoked (and bumps its authority's revocation counter, which makes the
    // next CRL fetch include it: ca/crl_publisher.hpp) with its audit entry.
    void revoke(revoke_request req, revoke_callback done, revoke_hook in_transaction = {});
    status revoke_sync(revoke_request req, revoke_hook in_transaction = {});

    // Revokes every live (valid, unexpired) certificate bound to `device` with `reason`, counts
    // the revocations for the CRLs, and writes one audit entry per certificate, all in one
    // transaction with the caller's own work: `check` runs first and may refuse (then nothing is
    // written); `also` runs last, after the revocations (e.g. to delete the device), and throws
    // only for the unexpected. Completes with the revoked serials, ascending.
    using device_revoke_writes =
        std::function<void(storage::connection&, const std::vector<std::int64_t>&)>;
    using device_revoke_callback = std::function<void(result<std::vector<std::int64_t>>)>;
    void revoke_device_certificates(std::int64_t device, int reason, audit_context audit,
                                    revoke_hook check, device_revoke_writes also,
                                    device_revoke_callback done);

    // The current CRL (DER) of the authority, including every revocation committed before the
    // call (ca/crl_publisher.hpp): cached, rebuilt off the writer when stale, re-signed when more
    // than half of its validity has passed.
    std::vector<std::uint8_t> crl_der(authority_kind kind);
    // For revocations committed outside revoke() (bulk revocation, ca/bulk_revocation.hpp), once
    // committed: schedules the background CRL rebuild.
    void notify_revoked();
    // The CRL builder (build counts for tests and the log).
    const crl_publisher& crls() const { return *m_crls; }

    // Certificate as stored, or nullopt.
    std::optional<certificate_record> find_certificate(std::int64_t sn);

    // After the whole stored state was replaced under the running engine (a lab restore):
    // modules that keep a view of it outside the database (e.g. broker files) subscribe
    // to refresh that view. Callbacks run on the caller of state_replaced(), in order; one that
    // throws is logged by the caller's catch point and stops the rest.
    void on_state_replaced(std::function<void()> refresh);
    void state_replaced();

    // Issuance counters by API, authority and outcome (for /metrics).
    const issuance_metrics& issuance() const { return m_issuance; }

private:
    struct prepared; // a signed certificate and its row, not yet committed
    result<prepared> prepare(issue_request& req);
    // Logs and audits ("lint-refused") an issuance the pre-signature lint refused; errc::internal.
    error refuse_unlinted(const issue_request& req, std::int64_t sn, const lint_failure& e);
    template <class T>
    std::function<void(result<T>)> after_revocation(std::function<void(result<T>)> done);

    options m_options;
    std::shared_ptr<const ca::clock> m_clock;
    storage::store& m_store;
    std::unique_ptr<authority> m_rsa;
    std::unique_ptr<authority> m_ecc;
    std::unique_ptr<secret_box> m_secrets;
    storage::serial_sequence m_serials;
    issuance_metrics m_issuance;
    std::mutex m_replaced_mutex;
    std::vector<std::function<void()>> m_on_replaced;
    // Last: its background thread uses the authorities, so it stops before they go.
    std::unique_ptr<crl_publisher> m_crls;
};

} // namespace localca::ca
