// Issuance: the request checked, the serial drawn, the TBSCertificate built from our profile,
// linted and signed (prepare), then the row and its audit entry committed through the writer,
// one certificate or a batch in one transaction.
#include "ca/engine.hpp"

#include "ca/engine_detail.hpp"
#include "ca/lab_fixture.hpp"
#include "ca/profile.hpp"
#include "ca/profile_names.hpp"
#include "ca/tbs_lint.hpp"
#include "ca/unix_time.hpp"

#include "storage/live_duplicates.hpp"

#include <botan/pem.h>

#include <algorithm>
#include <future>
#include <iostream>
#include <limits>
#include <stdexcept>

namespace localca::ca {

namespace {

std::chrono::system_clock::time_point issuer_not_before(const authority& ca) {
    return std::chrono::system_clock::time_point(
        std::chrono::seconds(static_cast<std::int64_t>(ca.cert().not_before().time_since_epoch())));
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

} // namespace

using engine_detail::internal_error;
using engine_detail::now_seconds;
using engine_detail::submit_job;

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
    const auto not_before =
        req.not_before ? std::chrono::floor<std::chrono::seconds>(*req.not_before) : now_point;

    prepared p;
    try {
        // No duplicate-CN or key check here: the writer job makes both inside its transaction,
        // where they cannot race, and refuses with the same error. An early copy on the read
        // connection cost two statements per issuance (on PostgreSQL, two round trips and
        // executor passes) to spare a refused request its signature and a serial, a case the
        // per-app rate limit already bounds (docs/scale-out.md, "Speed").

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
        if (spec.not_before < issuer_not_before(ca) && !may_predate_issuer(req.profile)) {
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
            req.profile.aia_ocsp_url = expand_url_template(m_options.ocsp_url_template,
                                                           m_options.public_base_url, ca.kind());
            req.profile.aia_ca_issuers_url = expand_url_template(
                m_options.ca_issuers_url_template, m_options.public_base_url, ca.kind());
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
    auto event =
        make_audit_event(req.audit, "lint-refused", sn, subject_text(req.subject.subject_der));
    event.outcome = "refused";
    try {
        record_audit(m_store, event, *m_clock);
    } catch (const std::exception& failure) {
        std::cerr << "localca: could not audit the lint refusal: " << failure.what() << std::endl;
    }
    return make_error(errc::internal, "internal error", e.what());
}

void engine::issue(issue_request req, issue_callback done) {
    done = m_issuance.counted(req, std::move(done));
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
        // A device API asks for both checks: then one statement makes them. Either way a
        // duplicate CN is reported before key reuse.
        storage::live_duplicates found;
        if (req.unique_subject && req.unique_key) {
            found = storage::live_cn_and_key_elsewhere(db, *req.subject.cn, req.subject.spki_sha256,
                                                       req.device, now, req.renewing_sn);
        } else if (req.unique_subject) {
            found.cn_sn =
                storage::live_cn_elsewhere(db, *req.subject.cn, req.device, now, req.renewing_sn);
        } else if (req.unique_key) {
            found.key_sn = storage::live_key_elsewhere(db, req.subject.spki_sha256, req.device, now,
                                                       req.renewing_sn);
        }
        if (found.cn_sn) {
            *refusal = duplicate_subject(*req.subject.cn, *found.cn_sn);
            return;
        }
        if (found.key_sn) {
            *refusal = key_in_use(*found.key_sn);
            return;
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

void engine::issue_batch(std::vector<issue_request> reqs, batch_writes also, batch_callback done) {
    done = m_issuance.counted_batch(reqs, std::move(done));
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

} // namespace localca::ca
