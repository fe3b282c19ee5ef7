// A user's calls: create (idempotent per application id, issued at once or queued for an
// officer), the state of a request, a certificate, a revocation. Users, profiles and the
// officer's queue have files of their own (issuance_users.cpp, issuance_profile.cpp,
// officer_queue.cpp).
#include "ca/emca/issuance_service.hpp"

#include "ca/emca/issuance_items.hpp"
#include "ca/unix_time.hpp"
#include "storage/emca/issuance_request_repository.hpp"

#include <memory>
#include <stdexcept>

namespace localca::ca::emca {

namespace {

// Thrown inside a writer job when another call with the same application id committed first:
// rolls our writes back; the caller answers with the stored response instead.
struct lost_race : std::runtime_error {
    lost_race() : std::runtime_error("a concurrent request with this application id won") {}
};

error internal(const std::exception& e) {
    return make_error(errc::internal, "internal error", e.what());
}

} // namespace

std::optional<std::string> issuance_service::stored_response(const api_user& user,
                                                             const std::string& application_id) {
    return storage::emca::find_request_response(m_engine.store().reader(), user.id, application_id);
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
        if (auto stored =
                storage::emca::find_request_response(db, req.user.id, req.application_id)) {
            *raced = std::move(stored);
            throw lost_race();
        }
        const auto now = clk.now_unix();
        const auto request =
            storage::emca::insert_request(db, req.user.id, req.application_id, now, "");
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

} // namespace localca::ca::emca
