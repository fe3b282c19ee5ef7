#include "ca/emca/issuance_service.hpp"

#include "ca/csr.hpp"
#include "ca/emca/aes_key_secret.hpp"
#include "ca/emca/cms.hpp"
#include "ca/emca/password.hpp"
#include "ca/profile_names.hpp"
#include "ca/unix_time.hpp"
#include "storage/emca/api_user_repository.hpp"
#include "storage/emca/issuance_request_repository.hpp"

#include <botan/x509cert.h>

#include <algorithm>
#include <future>
#include <memory>
#include <sstream>

namespace localca::ca::emca {

namespace {

api_user user_of(const storage::emca::api_user_row& r, const secret_box& secrets) {
    api_user u;
    u.id = r.id;
    u.user_name = r.user_name;
    u.api_key = r.api_key;
    const auto key = secrets.open(r.aes_key_sealed, aes_key_context(r.user_name));
    u.aes_key.assign(key.begin(), key.end());
    u.mode = parse_aes_mode(r.aes_mode).value_or(aes_mode::ecb);
    u.allowed_ips = split_words(r.allowed_ips);
    u.signer_cert = r.signer_cert;
    u.password_hash = r.password_hash;
    return u;
}

// Thrown inside a writer job when another call with the same application id committed first:
// rolls our writes back; the caller answers with the stored response instead.
struct lost_race : std::runtime_error {
    lost_race() : std::runtime_error("a concurrent request with this application id won") {}
};

error internal(const std::exception& e) {
    return make_error(errc::internal, "internal error", e.what());
}

// A CSR of the batch against the profile: the authority's policy (check_csr), then the key types
// and required subject attributes of the profile.
result<subject_key> check_item(const batch_item& item, const issuance_profile& profile) {
    auto sk = check_csr(item.csr, profile.authority);
    if (!sk) {
        auto e = sk.err();
        e.detail = "CSR " + item.id + ": " + e.detail;
        return e;
    }
    const auto type = key_type_of(sk->key_kind);
    if (!profile.key_types.empty() && std::find(profile.key_types.begin(), profile.key_types.end(),
                                                type) == profile.key_types.end()) {
        return make_error(errc::key_not_allowed, "key type not allowed",
                          "CSR " + item.id + ": profile " + profile.profile_id +
                              " does not allow " + type + " keys");
    }
    for (const auto& oid : profile.required_subject) {
        if (!sk->subject.has_field(oid)) {
            return make_error(errc::subject_attribute_missing, "subject attribute missing",
                              "CSR " + item.id + ": the subject has no " +
                                  oid.to_formatted_string());
        }
    }
    return sk;
}

issue_request issue_request_for(const issuance_profile& profile, subject_key sk,
                                std::chrono::seconds validity,
                                std::optional<std::chrono::system_clock::time_point> not_before) {
    issue_request r;
    r.api = "emca";
    r.authority = profile.authority;
    r.subject = std::move(sk);
    r.validity = validity;
    r.not_before = not_before;
    r.profile = profile.certificate;
    return r;
}

template <class T> T wait_for(std::function<void(std::function<void(T)>)> start) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    start([promise](T v) { promise->set_value(std::move(v)); });
    return future.get();
}

} // namespace

std::optional<api_user> issuance_service::find_user(const std::string& user_name) {
    const auto row = storage::emca::find_api_user(m_engine.store().reader(), user_name);
    return row ? std::optional(user_of(*row, m_engine.secrets())) : std::nullopt;
}

std::optional<api_user> issuance_service::find_user_by_key(const std::string& api_key) {
    const auto row = storage::emca::find_api_user_by_key(m_engine.store().reader(), api_key);
    return row ? std::optional(user_of(*row, m_engine.secrets())) : std::nullopt;
}

status issuance_service::check_password(const api_user& user, std::string_view password) {
    if (!verify_password(password, user.password_hash)) {
        return make_error(errc::authentication_failed, "authentication failed",
                          "wrong password for user " + user.user_name);
    }
    return success();
}

std::optional<std::string> issuance_service::stored_response(const api_user& user,
                                                             const std::string& application_id) {
    return storage::emca::find_request_response(m_engine.store().reader(), user.id, application_id);
}

result<issuance_profile> issuance_service::find_profile(const std::string& profile_id) {
    const auto row = storage::emca::find_issuance_profile(m_engine.store().reader(), profile_id);
    if (!row) {
        return make_error(errc::profile_not_found, "profile not found",
                          "no certificate profile " + profile_id);
    }
    // Every name was validated when seeding; a row we cannot read is corrupt, not the caller's.
    const auto authority = parse_authority(row->authority);
    const auto ku = parse_key_usage(split_words(row->key_usage));
    const auto eku = parse_extended_key_usage(split_words(row->extended_key_usage));
    if (!authority || !ku || !eku) {
        return make_error(errc::internal, "internal error",
                          "certificate profile " + profile_id + " is corrupt");
    }
    issuance_profile p;
    p.profile_id = row->profile_id;
    p.authority = *authority;
    p.key_types = split_words(row->key_types);
    p.default_validity = std::chrono::seconds(row->default_validity);
    p.max_validity = std::chrono::seconds(row->max_validity);
    for (const auto& name : split_words(row->required_subject)) {
        const auto oid = parse_subject_attribute(name);
        if (!oid) {
            return make_error(errc::internal, "internal error",
                              "certificate profile " + profile_id + " is corrupt");
        }
        p.required_subject.push_back(*oid);
    }
    p.certificate.name = row->profile_id;
    if (*ku != Botan::NO_CONSTRAINTS) {
        p.certificate.key_usage = *ku;
    }
    p.certificate.extended_key_usage = *eku;
    p.manual_authorization = row->manual_authorization;
    return p;
}

result<std::vector<std::uint8_t>>
issuance_service::verify_signed(const api_user& user, std::span<const std::uint8_t> cms) {
    // The stored signer certificate was checked when seeding: one that does not parse is corrupt,
    // an exception (the personality's internal error).
    const std::unique_ptr<Botan::Public_Key> key(
        Botan::X509_Certificate(user.signer_cert).subject_public_key());
    return verify_signed_data(cms, *key);
}

void issuance_service::create(batch_request req, const issuance_profile& profile, encoder encode,
                              response_callback done) {
    const auto validity = req.validity.value_or(profile.default_validity);
    if (validity.count() <= 0) {
        return done(
            make_error(errc::validity_invalid, "invalid validity", "validity must be positive"));
    }
    if (validity > profile.max_validity) {
        return done(make_error(errc::validity_exceeds_maximum, "validity exceeds the maximum",
                               "profile " + profile.profile_id + " allows at most " +
                                   std::to_string(profile.max_validity.count()) + " s"));
    }
    if (req.items.empty()) {
        return done(make_error(errc::csr_malformed, "no CSR", "the request carries no CSR"));
    }
    // Every CSR first: one bad CSR fails the whole call before anything is signed or stored.
    std::vector<subject_key> keys;
    for (const auto& item : req.items) {
        auto sk = check_item(item, profile);
        if (!sk) {
            return done(sk.err());
        }
        keys.push_back(std::move(sk.value()));
    }

    // The writes shared by both paths, inside the committing transaction.
    auto raced = std::make_shared<std::optional<std::string>>();
    auto response = std::make_shared<std::string>();
    auto record = [req, profile_id = profile.profile_id, validity, encode, raced, response,
                   &clk = m_engine.clock()](storage::connection& db,
                                            const std::vector<issued_certificate>& issued) {
        if (auto stored = storage::emca::find_request_response(db, req.user.id, req.application_id)) {
            *raced = std::move(stored);
            throw lost_race();
        }
        const auto now = clk.now_unix();
        const auto request = storage::emca::insert_request(db, req.user.id, req.application_id, now, "");
        batch_outcome outcome;
        outcome.pending = issued.empty();
        for (std::size_t i = 0; i < req.items.size(); ++i) {
            storage::emca::issuance_item_row row;
            row.request = request;
            row.user = req.user.id;
            row.item_id = req.items[i].id;
            row.profile_id = profile_id;
            row.csr.assign(req.items[i].csr.begin(), req.items[i].csr.end());
            if (req.not_before) {
                row.not_before = unix_seconds(*req.not_before);
            }
            row.validity = validity.count();
            batch_outcome::entry entry{req.items[i].id, {}, std::nullopt};
            if (outcome.pending) {
                row.status = storage::emca::item_status::pending;
                entry.request = storage::emca::insert_item(db, row);
            } else {
                row.status = storage::emca::item_status::issued;
                row.cert_sn = issued[i].sn;
                row.decided_at = now;
                storage::emca::insert_item(db, row);
                entry.cert_der = issued[i].der;
            }
            outcome.entries.push_back(std::move(entry));
        }
        *response = encode(outcome);
        storage::emca::set_request_response(db, request, *response);
    };
    auto finish = [raced, response, done](std::optional<error> failure) {
        if (*raced) {
            return done(**raced);
        }
        if (failure) {
            return done(*failure);
        }
        done(*response);
    };

    if (profile.manual_authorization) {
        auto job = [record](storage::connection& db) { record(db, {}); };
        auto completion = [finish](std::exception_ptr failure) {
            if (!failure) {
                return finish(std::nullopt);
            }
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                finish(internal(e));
            }
        };
        try {
            m_engine.store().writer().submit(std::move(job), std::move(completion));
        } catch (const std::exception& e) {
            done(internal(e));
        }
        return;
    }
    std::vector<issue_request> reqs;
    auto audit = req.audit;
    if (audit.actor == "unknown") {
        audit.actor = "emca:" + req.user.user_name;
    }
    for (auto& sk : keys) {
        reqs.push_back(issue_request_for(profile, std::move(sk), validity, req.not_before));
        reqs.back().audit = audit;
        reqs.back().profile.authority_info_access = m_engine.opts().aia_for("emca");
    }
    m_engine.issue_batch(std::move(reqs), record,
                         [finish](result<std::vector<issued_certificate>> r) {
                             finish(r ? std::nullopt : std::optional(r.err()));
                         });
}

result<request_state> issuance_service::request_status(const api_user& user, std::int64_t request) {
    const auto item = storage::emca::find_item(m_engine.store().reader(), request);
    if (!item || item->user != user.id) {
        return make_error(errc::request_not_found, "request not found",
                          "no request " + std::to_string(request) + " of this user");
    }
    switch (item->status) {
    case storage::emca::item_status::pending:
        return request_state{true, {}};
    case storage::emca::item_status::rejected:
        return make_error(errc::request_rejected, "request rejected",
                          "request " + std::to_string(request) + " was rejected");
    case storage::emca::item_status::issued:
        break;
    }
    const auto cert = m_engine.find_certificate(item->cert_sn.value_or(0));
    if (!cert) {
        return make_error(errc::internal, "internal error",
                          "request " + std::to_string(request) + " has no certificate");
    }
    return request_state{false, cert->der};
}

result<std::vector<std::uint8_t>> issuance_service::certificate(const api_user& user,
                                                                std::int64_t sn) {
    const auto item = storage::emca::find_item_by_certificate(m_engine.store().reader(), sn);
    const auto cert = item && item->user == user.id ? m_engine.find_certificate(sn) : std::nullopt;
    if (!cert) {
        return make_error(errc::certificate_not_found, "certificate not found",
                          "no certificate " + std::to_string(sn) + " of this user");
    }
    return cert->der;
}

void issuance_service::revoke(const api_user& user, std::int64_t sn, int reason,
                              engine::revoke_callback done) {
    const auto item = storage::emca::find_item_by_certificate(m_engine.store().reader(), sn);
    if (!item || item->user != user.id) {
        return done(make_error(errc::certificate_not_found, "certificate not found",
                               "no certificate " + std::to_string(sn) + " of this user"));
    }
    revoke_request r{sn, reason, std::nullopt, {}};
    r.audit.actor = "emca:" + user.user_name;
    m_engine.revoke(r, std::move(done));
}

std::vector<pending_request> issuance_service::pending() {
    auto& db = m_engine.store().reader();
    std::vector<pending_request> out;
    for (const auto& item : storage::emca::pending_items(db)) {
        pending_request p;
        p.request = item.id;
        p.item_id = item.item_id;
        p.profile_id = item.profile_id;
        if (const auto user = storage::emca::find_api_user_by_id(db, item.user)) {
            p.user_name = user->user_name;
        }
        // Only shown to the officer; authority policy is checked again at approval.
        const std::string csr(item.csr.begin(), item.csr.end());
        for (auto kind : {authority_kind::rsa, authority_kind::ecc}) {
            if (auto sk = check_csr(csr, kind)) {
                std::ostringstream s;
                s << sk->subject;
                p.subject = s.str();
                break;
            }
        }
        out.push_back(std::move(p));
    }
    return out;
}

result<issued_certificate> issuance_service::approve(std::int64_t request,
                                                     const audit_context& who) {
    const auto item = storage::emca::find_item(m_engine.store().reader(), request);
    if (!item || item->status != storage::emca::item_status::pending) {
        return make_error(errc::request_not_found, "request not pending",
                          "no pending request " + std::to_string(request));
    }
    auto profile = find_profile(item->profile_id);
    if (!profile) {
        return profile.err();
    }
    batch_item bi{item->item_id, std::string(item->csr.begin(), item->csr.end())};
    auto sk = check_item(bi, profile.value());
    if (!sk) {
        return sk.err();
    }
    std::optional<std::chrono::system_clock::time_point> not_before;
    if (item->not_before) {
        not_before = std::chrono::system_clock::time_point(std::chrono::seconds(*item->not_before));
    }
    std::vector<issue_request> reqs;
    reqs.push_back(issue_request_for(profile.value(), std::move(sk.value()),
                                     std::chrono::seconds(item->validity), not_before));
    reqs.back().audit = audit_context{who.actor, who.source_ip, "emca-approve"};
    reqs.back().profile.authority_info_access = m_engine.opts().aia_for("emca");
    auto decided = std::make_shared<bool>(true);
    auto mark = [request, decided, &clk = m_engine.clock()](
                    storage::connection& db, const std::vector<issued_certificate>& issued) {
        if (!storage::emca::mark_item_issued(db, request, issued.at(0).sn, clk.now_unix())) {
            *decided = false; // another officer decided meanwhile: roll our certificate back
            throw std::runtime_error("request is not pending any more");
        }
    };
    using batch = result<std::vector<issued_certificate>>;
    auto r = wait_for<batch>([&](std::function<void(batch)> cb) {
        m_engine.issue_batch(std::move(reqs), mark, std::move(cb));
    });
    if (!*decided) {
        return make_error(errc::request_not_found, "request not pending",
                          "request " + std::to_string(request) + " was decided meanwhile");
    }
    if (!r) {
        return r.err();
    }
    return std::move(r.value().at(0));
}

status issuance_service::reject(std::int64_t request, const audit_context& who) {
    bool ok = false;
    m_engine.store().writer().run([&](storage::connection& db) {
        ok = storage::emca::mark_item_rejected(db, request, m_engine.clock().now_unix());
        if (ok) {
            // Recorded in the same transaction as the rejection, like an approval's issuance.
            append_audit(db, make_audit_event(audit_context{who.actor, who.source_ip, ""}, "emca-reject", {},
                                              "request " + std::to_string(request)),
                         m_engine.clock());
        }
    });
    if (!ok) {
        return make_error(errc::request_not_found, "request not pending",
                          "no pending request " + std::to_string(request));
    }
    return success();
}

} // namespace localca::ca::emca
