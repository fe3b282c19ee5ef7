// Revocation: one certificate or every live one of a device, with the caller's checks and
// writes, the audit entries and the authority's revocation counter in one writer job; the CRL is
// not touched here (the counter makes the next fetch rebuild it: ca/crl_publisher.hpp).
#include "ca/engine.hpp"

#include "ca/crl_publisher.hpp"
#include "ca/engine_detail.hpp"
#include "ca/unix_time.hpp"
#include "storage/crl_state_repository.hpp"

#include <future>
#include <stdexcept>

namespace localca::ca {

namespace {

bool accepted_reason(int reason) {
    // unspecified, keyCompromise, affiliationChanged, superseded, cessationOfOperation,
    // certificateHold, privilegeWithdrawn. Not cACompromise (2): devices are not CAs; not
    // removeFromCRL (8): unrevoking is not supported; not aACompromise (10).
    switch (reason) {
    case 0:
    case 1:
    case 3:
    case 4:
    case 5:
    case 6:
    case 9:
        return true;
    default:
        return false;
    }
}

} // namespace

using engine_detail::now_seconds;
using engine_detail::submit_job;

void engine::revoke(revoke_request req, revoke_callback done, revoke_hook in_transaction) {
    if (!accepted_reason(req.reason)) {
        return done(make_error(errc::invalid_reason, "invalid revocation reason",
                               "reason " + std::to_string(req.reason) +
                                   " is not one of 0, 1, 3, 4, 5, 6, 9"));
    }
    const auto now = now_seconds(*m_clock);
    auto refusal = std::make_shared<std::optional<error>>();
    auto job = [this, req, now, refusal, in_transaction](storage::connection& db) {
        const auto row = storage::find_certificate(db, req.sn);
        if (!row) {
            *refusal = make_error(errc::certificate_not_found, "certificate not found",
                                  "no certificate with serial " + std::to_string(req.sn));
            return;
        }
        if (req.device && row->device != req.device) {
            *refusal = make_error(errc::certificate_not_bound, "certificate not bound",
                                  "certificate " + std::to_string(req.sn) +
                                      " is not bound to this device");
            return;
        }
        if (row->status == storage::certificate_status::revoked) {
            *refusal = make_error(errc::already_revoked, "already revoked",
                                  "certificate " + std::to_string(req.sn) + " is already revoked");
            return;
        }
        if (in_transaction) {
            if (auto st = in_transaction(db); !st) {
                *refusal = st.err();
                return;
            }
        }
        if (!storage::revoke_certificate(db, req.sn, unix_seconds(now), req.reason)) {
            // Unreachable: the row was valid a moment ago in this same transaction.
            throw std::logic_error("certificate " + std::to_string(req.sn) +
                                   " could not be marked revoked");
        }
        const auto kind = parse_authority(row->authority);
        if (!kind) {
            throw std::runtime_error("certificate " + std::to_string(req.sn) +
                                     " has an unknown authority");
        }
        // Not the CRL: the counter tells the CRL publisher a rebuild is due, so the cost of a
        // revocation does not grow with the CRL (ca/crl_publisher.hpp).
        storage::count_revocations(db, row->authority);
        append_audit(db,
                     make_audit_event(req.audit, "revoke", req.sn, subject_text(row->subject_der)),
                     *m_clock);
    };
    submit_job<none>(
        m_store.writer(), std::move(job), refusal, [] { return none{}; },
        after_revocation<none>(std::move(done)));
}

status engine::revoke_sync(revoke_request req, revoke_hook in_transaction) {
    auto promise = std::make_shared<std::promise<status>>();
    auto future = promise->get_future();
    revoke(
        req, [promise](status s) { promise->set_value(std::move(s)); }, std::move(in_transaction));
    return future.get();
}

void engine::revoke_device_certificates(std::int64_t device, int reason, audit_context audit,
                                        revoke_hook check, device_revoke_writes also,
                                        device_revoke_callback done) {
    if (!accepted_reason(reason)) {
        return done(
            make_error(errc::invalid_reason, "invalid revocation reason",
                       "reason " + std::to_string(reason) + " is not one of 0, 1, 3, 4, 5, 6, 9"));
    }
    const auto now = now_seconds(*m_clock);
    auto refusal = std::make_shared<std::optional<error>>();
    auto revoked = std::make_shared<std::vector<std::int64_t>>();
    auto job = [this, device, reason, audit, now, refusal, revoked, check,
                also](storage::connection& db) {
        if (check) {
            if (auto st = check(db); !st) {
                *refusal = st.err();
                return;
            }
        }
        for (const auto& row : storage::certificates_of_device(db, device)) {
            if (row.status == storage::certificate_status::revoked ||
                row.not_after <= unix_seconds(now)) {
                continue;
            }
            const auto kind = parse_authority(row.authority);
            if (!kind) {
                throw std::runtime_error("certificate " + std::to_string(row.sn) +
                                         " has an unknown authority");
            }
            if (!storage::revoke_certificate(db, row.sn, unix_seconds(now), reason)) {
                throw std::logic_error("certificate " + std::to_string(row.sn) +
                                       " could not be marked revoked");
            }
            append_audit(db,
                         make_audit_event(audit, "revoke", row.sn, subject_text(row.subject_der)),
                         *m_clock);
            revoked->push_back(row.sn);
            storage::count_revocations(db, row.authority);
        }
        if (also) {
            also(db, *revoked);
        }
    };
    submit_job<std::vector<std::int64_t>>(
        m_store.writer(), std::move(job), refusal, [revoked] { return *revoked; },
        after_revocation<std::vector<std::int64_t>>(std::move(done)));
}

template <class T>
std::function<void(result<T>)> engine::after_revocation(std::function<void(result<T>)> done) {
    // After the COMMIT and before the answer: a CRL fetched after the answer reads the counter
    // anyway; this only starts the background rebuild that keeps fetches on the cache.
    return [this, done = std::move(done)](result<T> r) {
        if (r) {
            m_crls->revoked();
        }
        done(std::move(r));
    };
}

} // namespace localca::ca
