#include "ca/engine.hpp"

#include "ca/crl.hpp"
#include "ca/crl_publisher.hpp"
#include "ca/csr.hpp"
#include "ca/key_store.hpp"
#include "ca/profile.hpp"
#include "ca/profile_names.hpp"
#include "ca/sealing_key.hpp"
#include "ca/tbs_lint.hpp"
#include "ca/unix_time.hpp"
#include "storage/authority_repository.hpp"
#include "storage/crl_state_repository.hpp"

#include <botan/pem.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <future>
#include <limits>
#include <stdexcept>
#include <sys/stat.h>

namespace localca::ca {

namespace {

constexpr authority_kind k_kinds[] = {authority_kind::rsa, authority_kind::ecc};

// File stem of an authority's files under <data>/ca: "rsa" / "ecc".
std::string stem_of(authority_kind kind) {
    return kind == authority_kind::rsa ? "rsa" : "ecc";
}

const authority_options& options_of(const options& opts, authority_kind kind) {
    return kind == authority_kind::rsa ? opts.rsa : opts.ecc;
}

std::chrono::system_clock::time_point now_seconds(const clock& clk) {
    return std::chrono::floor<std::chrono::seconds>(clk.now());
}

std::chrono::system_clock::time_point issuer_not_before(const authority& ca) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(
        static_cast<std::int64_t>(ca.cert().not_before().time_since_epoch())));
}

error internal_error(const std::exception& e) {
    return make_error(errc::internal, "internal error", e.what());
}

error internal_error(const std::exception_ptr& p) {
    try {
        std::rethrow_exception(p);
    } catch (const std::exception& e) {
        return internal_error(e);
    } catch (...) {
        return make_error(errc::internal, "internal error", "unknown failure");
    }
}

error duplicate_subject(const std::string& cn, std::int64_t sn) {
    return make_error(errc::duplicate_subject, "duplicate subject",
                      "CN \"" + cn + "\" is in live certificate " + std::to_string(sn) +
                          " bound elsewhere");
}

error key_in_use(std::int64_t sn) {
    return make_error(errc::key_in_use, "key in use",
                      "the public key is in live certificate " + std::to_string(sn) +
                          " bound elsewhere");
}

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

void write_cert_file(const std::filesystem::path& path, const std::string& pem) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pem;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

// Creates <data_dir>/ca with mode 0700 (never wider, whatever the umask). Returns true if created.
bool make_ca_dir(const std::filesystem::path& ca_dir) {
    std::filesystem::create_directories(ca_dir.parent_path());
    if (::mkdir(ca_dir.c_str(), 0700) == 0) {
        return true;
    }
    const int err = errno;
    if (err != EEXIST) {
        throw std::runtime_error("cannot create " + ca_dir.string() + ": " + std::strerror(err));
    }
    if (!std::filesystem::is_directory(ca_dir)) {
        throw std::runtime_error(ca_dir.string() + " exists and is not a directory");
    }
    return false;
}

// Queues a writer job whose outcome reaches `done` after the COMMIT: the job's or the commit's
// exception as an internal error, else the refusal the job recorded (then it wrote nothing),
// else make_value(). A writer that no longer accepts jobs is an internal error too.
template <class T, class Make>
void submit_job(storage::writer& writer, storage::writer::job job,
                std::shared_ptr<std::optional<error>> refusal, Make make_value,
                std::function<void(result<T>)> done) {
    auto completion = [done, refusal, make_value](std::exception_ptr failure) mutable {
        if (failure) {
            done(internal_error(failure));
        } else if (refusal && *refusal) {
            done(std::move(**refusal));
        } else {
            done(make_value());
        }
    };
    try {
        writer.submit(std::move(job), std::move(completion));
    } catch (const std::exception& e) {
        done(internal_error(e));
    }
}

} // namespace

bool engine::initialize(const std::filesystem::path& data_dir, storage::store& store,
                        const options& opts, const ca::clock& clk) {
    const auto ca_dir = data_dir / "ca";
    bool created = make_ca_dir(ca_dir);
    const key_store keys(ca_dir);

    // First pass: what exists, and refuse half-present authorities rather than replace a key or
    // a root that certificates may already chain to.
    std::vector<authority_kind> missing;
    bool any_key = false;
    for (const auto kind : k_kinds) {
        const bool has_key = keys.exists(stem_of(kind));
        const bool has_row = storage::find_authority(store.reader(), to_string(kind)).has_value();
        any_key = any_key || has_key;
        if (has_key && !has_row) {
            throw std::runtime_error(std::string("the ") + to_string(kind) + " authority's key " +
                                     keys.key_path(stem_of(kind)).string() +
                                     " exists but the database has no " + to_string(kind) +
                                     " root; refusing to replace it (restore the database, or move "
                                     "the key away to create a new authority)");
        }
        if (!has_key && has_row) {
            throw std::runtime_error(std::string("the database has a ") + to_string(kind) +
                                     " root but its key " + keys.key_path(stem_of(kind)).string() +
                                     " is missing; refusing to replace the authority (restore "
                                     "the key file)");
        }
        if (!has_key) {
            missing.push_back(kind);
        }
    }

    if (!missing.empty()) {
        // A new passphrase file only for a fresh data dir: keys already made are encrypted under
        // the existing passphrase, which must then be available.
        const char* env = std::getenv("LOCALCA_CA_PASSPHRASE");
        const bool env_set = env != nullptr && *env != '\0';
        const bool had_file = std::filesystem::exists(ca_dir / "passphrase");
        const std::string pass = keys.passphrase(!any_key);
        created = created || (!env_set && !had_file);

        for (const auto kind : missing) {
            const auto a = authority::create(kind, options_of(opts, kind), thread_rng(), clk.now());
            // Key first: should we die before the row is committed, the next init reports the
            // orphan key instead of silently creating a second root.
            keys.save(stem_of(kind), a.key(), pass);
            const auto now = now_seconds(clk);
            storage::authority_row row;
            row.name = to_string(kind);
            row.cert_der = a.cert().BER_encode();
            row.crl_number = 1;
            row.crl_der = build_crl(a, {}, 1, now, opts.crl_next_update);
            row.crl_this_update = unix_seconds(now);
            try {
                store.writer().run([&row](storage::connection& db) {
                    // insert_authority ignores an existing name: another process may have won.
                    if (storage::find_authority(db, row.name)) {
                        throw std::runtime_error("the " + row.name +
                                                 " authority was created concurrently");
                    }
                    storage::insert_authority(db, row);
                });
            } catch (...) {
                std::error_code ec;
                std::filesystem::remove(keys.key_path(stem_of(kind)), ec);
                throw;
            }
            write_cert_file(ca_dir / (stem_of(kind) + ".crt.pem"), a.cert_pem());
            created = true;
        }
    }

    // The convenience copies of the roots, restored if deleted.
    for (const auto kind : k_kinds) {
        const auto path = ca_dir / (stem_of(kind) + ".crt.pem");
        if (!std::filesystem::exists(path)) {
            const auto row = storage::find_authority(store.reader(), to_string(kind));
            write_cert_file(path, Botan::X509_Certificate(row->cert_der).PEM_encode());
            created = true;
        }
    }
    return created;
}

engine::engine(const std::filesystem::path& data_dir, storage::store& store, const options& opts,
               std::shared_ptr<const ca::clock> clk)
    : m_options(opts), m_clock(std::move(clk)), m_store(store),
      m_serials(store, store.opts().serial_block) {
    if (!m_clock) {
        throw std::invalid_argument("engine without a clock");
    }
    const key_store keys(data_dir / "ca");
    const std::string pass = keys.passphrase(false);
    for (const auto kind : k_kinds) {
        const auto row = storage::find_authority(m_store.reader(), to_string(kind));
        if (!row) {
            throw std::runtime_error(std::string("the database has no ") + to_string(kind) +
                                     " authority: run init first");
        }
        Botan::X509_Certificate cert(row->cert_der);
        auto a = std::make_unique<authority>(kind, std::move(cert), keys.load(stem_of(kind), pass));
        (kind == authority_kind::rsa ? m_rsa : m_ecc) = std::move(a);
    }
    // After the keys, so that a wrong passphrase is reported as such by the key files first.
    m_secrets = open_sealing_key(m_store, pass);
    m_crls = std::make_unique<crl_publisher>(
        m_store, m_clock, [this](authority_kind kind) -> const authority& { return get(kind); },
        crl_publisher::settings{m_options.crl_next_update});
}

engine::~engine() {
    // Queued revoke/CRL jobs use this object: let the writer finish them before it goes away
    // (the queue is FIFO, so an empty job completes after every earlier one).
    try {
        m_store.writer().run([](storage::connection&) {});
    } catch (...) {
        // Writer already stopped (nothing can be pending) or we are on its thread.
    }
}

const authority& engine::get(authority_kind kind) const {
    return kind == authority_kind::rsa ? *m_rsa : *m_ecc;
}

struct engine::prepared {
    issued_certificate issued;
    storage::certificate_row row;
};

result<engine::prepared> engine::prepare(issue_request& req) {
    if (req.subject.spki_der.empty()) {
        throw std::invalid_argument("issue_request without a public key");
    }
    if (req.profile.until_root_expiry) {
        req.valid_days = std::numeric_limits<std::int32_t>::max(); // clamped to the root below
        req.max_valid_days.reset();
        req.validity.reset();
    }
    if (req.validity && req.validity->count() <= 0) {
        return make_error(errc::validity_invalid, "invalid validity",
                          "validity must be a positive number of seconds");
    }
    if (!req.validity && req.valid_days <= 0) {
        return make_error(errc::validity_invalid, "invalid validity",
                          "validity must be a positive number of days, not " +
                              std::to_string(req.valid_days));
    }
    if (req.max_valid_days && req.valid_days > *req.max_valid_days) {
        return make_error(errc::validity_exceeds_maximum, "validity exceeds the maximum",
                          std::to_string(req.valid_days) + " days requested, at most " +
                              std::to_string(*req.max_valid_days) + " allowed");
    }
    if (req.subject.key_kind != req.authority) {
        // e.g. renewing an RSA device certificate on the ECC authority
        return make_error(errc::key_not_allowed, "key not allowed",
                          "the key is " + key_type_of(req.subject.key_kind) +
                              "; the authority requires " + key_type_of(req.authority));
    }
    // The subject's strings are the caller's: refuse a bad one as such here, before the
    // pre-signature lint would refuse it as an internal error.
    if (const auto bad = lint_name(req.subject.subject_der); !bad.empty()) {
        return make_error(errc::csr_malformed, "malformed subject", bad.front());
    }
    if (req.unique_subject && !req.subject.cn) {
        return make_error(errc::subject_missing_cn, "subject has no CN",
                          "the subject must contain a commonName");
    }

    const auto now_point = now_seconds(*m_clock);
    const std::int64_t now = unix_seconds(now_point);
    const auto not_before =
        req.not_before ? std::chrono::floor<std::chrono::seconds>(*req.not_before) : now_point;

    prepared p;
    try {
        // Early refusal without signing or queueing; the writer job checks again atomically.
        auto& db = m_store.reader();
        if (req.unique_subject) {
            if (auto sn = storage::live_cn_elsewhere(db, *req.subject.cn, req.device, now,
                                                     req.renewing_sn)) {
                return duplicate_subject(*req.subject.cn, *sn);
            }
        }
        if (req.unique_key) {
            if (auto sn = storage::live_key_elsewhere(db, req.subject.spki_sha256, req.device, now,
                                                      req.renewing_sn)) {
                return key_in_use(*sn);
            }
        }

        const authority& ca = get(req.authority);
        certificate_spec spec;
        spec.not_before = not_before;
        if (req.validity) {
            // Clamped to the root like device_not_after (no overflow: validity is bounded by
            // the caller, the root's end by 2^63 s).
            spec.not_after =
                std::min(device_not_after(ca, not_before, 1LL << 40), not_before + *req.validity);
        } else {
            spec.not_after = device_not_after(ca, not_before, req.valid_days);
        }
        if (spec.not_before < issuer_not_before(ca)) {
            return make_error(errc::not_before_invalid, "invalid notBefore",
                              std::string("notBefore is before the start of the ") + ca.name() +
                                  " root");
        }
        if (spec.not_after <= spec.not_before) {
            if (req.not_before) {
                return make_error(errc::not_before_invalid, "invalid notBefore",
                                  std::string("notBefore is not before the end of the ") +
                                      ca.name() + " root");
            }
            return make_error(errc::internal, "internal error",
                              std::string("the ") + ca.name() + " root has expired");
        }
        spec.serial = m_serials.next();
        if (req.profile.authority_info_access) {
            req.profile.aia_ocsp_url = expand_url_template(m_options.ocsp_url_template, m_options.public_base_url, ca.kind());
            req.profile.aia_ca_issuers_url =
                expand_url_template(m_options.ca_issuers_url_template, m_options.public_base_url,
                                    ca.kind());
        }
        spec.extensions =
            profile_extensions(ca, req.subject, crl_url(m_options, ca.kind()), req.profile);
        spec.profile = req.profile;

        auto& issued = p.issued;
        issued.sn = spec.serial;
        issued.authority = req.authority;
        issued.der = sign_certificate(ca, req.subject, spec);
        issued.pem = Botan::PEM_Code::encode(issued.der, "CERTIFICATE");
        issued.not_before = spec.not_before;
        issued.not_after = spec.not_after;

        auto& row = p.row;
        row.sn = spec.serial;
        row.authority = ca.name();
        row.profile = req.profile.name;
        row.api = req.api;
        row.subject_der = req.subject.subject_der;
        row.subject_cn = req.subject.cn;
        row.spki_sha256 = req.subject.spki_sha256;
        row.device = req.device;
        row.status = storage::certificate_status::valid;
        row.not_before = unix_seconds(spec.not_before);
        row.not_after = unix_seconds(spec.not_after);
        row.der = issued.der;
    } catch (const lint_failure& e) {
        return refuse_unlinted(req, p.issued.sn, e);
    } catch (const std::exception& e) {
        return internal_error(e);
    }
    return p;
}

error engine::refuse_unlinted(const issue_request& req, std::int64_t sn, const lint_failure& e) {
    // A profile or encoder bug, never the caller's: answered as the API's internal error, and
    // made visible to the operator in the log and in the audit chain.
    std::cerr << "localca: issuance of serial " << sn << " refused: " << e.what() << std::endl;
    auto event = make_audit_event(req.audit, "lint-refused", sn, subject_text(req.subject.subject_der));
    event.outcome = "refused";
    try {
        record_audit(m_store, event, *m_clock);
    } catch (const std::exception& failure) {
        std::cerr << "localca: could not audit the lint refusal: " << failure.what() << std::endl;
    }
    return make_error(errc::internal, "internal error", e.what());
}

void engine::issue(issue_request req, issue_callback done) {
    auto p = prepare(req);
    if (!p) {
        return done(p.err());
    }
    const std::int64_t now = unix_seconds(now_seconds(*m_clock));
    auto issued = std::make_shared<issued_certificate>(std::move(p->issued));
    auto row = std::move(p->row);

    // Refusals found inside the transaction: the job writes nothing and reports here.
    auto refusal = std::make_shared<std::optional<error>>();
    auto event = make_audit_event(req.audit, req.renewing_sn ? "renew" : "issue", row.sn,
                                  subject_text(row.subject_der));
    auto job = [row = std::move(row), refusal, req, now, event,
                clk = m_clock](storage::connection& db) {
        if (req.unique_subject) {
            if (auto sn = storage::live_cn_elsewhere(db, *req.subject.cn, req.device, now,
                                                     req.renewing_sn)) {
                *refusal = duplicate_subject(*req.subject.cn, *sn);
                return;
            }
        }
        if (req.unique_key) {
            if (auto sn = storage::live_key_elsewhere(db, req.subject.spki_sha256, req.device, now,
                                                      req.renewing_sn)) {
                *refusal = key_in_use(*sn);
                return;
            }
        }
        storage::insert_certificate(db, row);
        append_audit(db, event, *clk);
    };
    submit_job<issued_certificate>(
        m_store.writer(), std::move(job), refusal, [issued] { return std::move(*issued); },
        std::move(done));
}

result<issued_certificate> engine::issue_sync(issue_request req) {
    auto promise = std::make_shared<std::promise<result<issued_certificate>>>();
    auto future = promise->get_future();
    issue(std::move(req),
          [promise](result<issued_certificate> r) { promise->set_value(std::move(r)); });
    return future.get();
}

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

void engine::notify_revoked() {
    m_crls->revoked();
}

void engine::issue_batch(std::vector<issue_request> reqs, batch_writes also, batch_callback done) {
    auto issued = std::make_shared<std::vector<issued_certificate>>();
    std::vector<storage::certificate_row> rows;
    std::vector<audit_event> events;
    for (auto& req : reqs) {
        if (req.unique_subject || req.unique_key) {
            throw std::invalid_argument("issue_batch does not check unique subjects or keys");
        }
        auto p = prepare(req);
        if (!p) {
            return done(p.err());
        }
        events.push_back(make_audit_event(req.audit, req.renewing_sn ? "renew" : "issue", p->row.sn,
                                          subject_text(p->row.subject_der)));
        issued->push_back(std::move(p->issued));
        rows.push_back(std::move(p->row));
    }
    auto job = [rows = std::move(rows), events = std::move(events), issued, also,
                clk = m_clock](storage::connection& db) {
        for (const auto& row : rows) {
            storage::insert_certificate(db, row);
        }
        for (const auto& e : events) {
            append_audit(db, e, *clk);
        }
        if (also) {
            also(db, *issued);
        }
    };
    submit_job<std::vector<issued_certificate>>(
        m_store.writer(), std::move(job), nullptr, [issued] { return std::move(*issued); },
        std::move(done));
}

status engine::revoke_sync(revoke_request req, revoke_hook in_transaction) {
    auto promise = std::make_shared<std::promise<status>>();
    auto future = promise->get_future();
    revoke(
        req, [promise](status s) { promise->set_value(std::move(s)); }, std::move(in_transaction));
    return future.get();
}

std::vector<std::uint8_t> engine::crl_der(authority_kind kind) {
    return m_crls->current(kind);
}

std::optional<storage::certificate_row> engine::find_certificate(std::int64_t sn) {
    return storage::find_certificate(m_store.reader(), sn);
}

} // namespace localca::ca
