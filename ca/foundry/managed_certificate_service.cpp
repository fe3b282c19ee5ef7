#include "ca/foundry/managed_certificate_service.hpp"

#include "ca/generated_key.hpp"

#include "ca/csr.hpp"
#include "ca/fingerprint.hpp"
#include "ca/foundry/topic_filter.hpp"
#include "ca/unix_time.hpp"
#include "ca/uuid.hpp"
#include "storage/foundry/account_repository.hpp"

#include <botan/pem.h>

#include <future>

namespace localca::ca::foundry {

namespace {

error certificate_not_found(const std::string& id) {
    return make_error(errc::certificate_not_found, "certificate not found",
                      "no certificate " + id + " in this account");
}

error device_not_found(const std::string& device_id) {
    return make_error(errc::device_not_found, "device not found",
                      "no device " + device_id + " in this account");
}

managed_certificate to_managed(const storage::foundry::managed_certificate_row& row) {
    managed_certificate c;
    c.sn = row.sn;
    c.id = row.cert_id;
    c.status = row.revoked  ? managed_status::revoked
               : row.active ? managed_status::active
                            : managed_status::inactive;
    // A certificate revoked through another API (e.g. /pki/v1) keeps its rows; it is REVOKED
    // all the same, and a revoked certificate has no device and no policy.
    if (c.status != managed_status::revoked) {
        c.device_id = row.device_id;
        if (c.status == managed_status::active) {
            c.topics = row.topics;
        }
    }
    c.not_before = from_unix(row.not_before);
    c.not_after = from_unix(row.not_after);
    c.pem = Botan::PEM_Code::encode(row.der, "CERTIFICATE");
    return c;
}

} // namespace

const char* to_string(managed_status status) {
    switch (status) {
    case managed_status::inactive:
        return "INACTIVE";
    case managed_status::active:
        return "ACTIVE";
    case managed_status::revoked:
        return "REVOKED";
    }
    return "INACTIVE";
}

result<created_certificate> managed_certificate_service::create(managed_create_request req) {
    std::vector<std::string> topics;
    if (req.topics) {
        auto policy = check_topic_policy(std::move(*req.topics));
        if (!policy) {
            return policy.err();
        }
        topics = std::move(policy.value());
    }
    const bool active = req.topics.has_value();
    created_certificate out;
    issue_request issue;
    issue.api = "foundry";
    {
        const auto key = m_keys.take();
        issue.authority = authority_kind::rsa;
        issue.subject =
            subject_key_of_key(*key, authority_kind::rsa, req.common_name.value_or(random_uuid()));
        issue.profile = req.profile;
        issue.audit = req.audit;
        out.private_key_pem = Botan::PEM_Code::encode(key->private_key_bits(), "RSA PRIVATE KEY");
    }

    // The state row commits in the certificate's own transaction: a certificate is never
    // durable without its account.
    auto writes = [account = req.account, active,
                   topics](storage::connection& db, const std::vector<issued_certificate>& issued) {
        const auto& c = issued.front();
        storage::foundry::insert_managed_certificate(db, c.sn, account, certificate_id(c.der),
                                                     active, topics);
    };
    // Shared with the completion: set_value() may still be finishing on the writer thread when
    // get() returns here.
    auto promise = std::make_shared<std::promise<result<std::vector<issued_certificate>>>>();
    auto future = promise->get_future();
    m_engine.issue_batch(
        {std::move(issue)}, writes,
        [promise](result<std::vector<issued_certificate>> r) { promise->set_value(std::move(r)); });
    auto issued = future.get();
    if (!issued) {
        return issued.err();
    }
    const auto& c = issued->front();
    auto& m = out.certificate;
    m.sn = c.sn;
    m.id = certificate_id(c.der);
    m.status = active ? managed_status::active : managed_status::inactive;
    m.topics = std::move(topics);
    m.not_before = c.not_before;
    m.not_after = c.not_after;
    m.pem = c.pem;
    return out;
}

result<managed_certificate> managed_certificate_service::find(std::int64_t account,
                                                              const std::string& id) {
    const auto row =
        storage::foundry::find_managed_certificate(m_engine.store().reader(), account, id);
    if (!row) {
        return certificate_not_found(id);
    }
    return to_managed(*row);
}

status managed_certificate_service::provision(std::int64_t account, const std::string& id,
                                              const std::string& device_id,
                                              std::vector<std::string> topics) {
    auto policy = check_topic_policy(std::move(topics));
    if (!policy) {
        return policy.err();
    }
    const std::int64_t now = m_engine.clock().now_unix();
    std::optional<error> refusal;
    // Every check runs in the writing transaction: two concurrent provisions of one
    // certificate to two devices cannot both pass.
    m_engine.store().writer().run([&](storage::connection& db) {
        const auto row = storage::foundry::find_managed_certificate(db, account, id);
        if (!row) {
            refusal = certificate_not_found(id);
            return;
        }
        const auto device = storage::foundry::find_account_device(db, account, device_id);
        if (!device) {
            refusal = device_not_found(device_id);
            return;
        }
        if (row->revoked) {
            refusal = make_error(errc::certificate_revoked, "certificate revoked",
                                 "certificate " + id + " is revoked");
            return;
        }
        if (row->not_after <= now) {
            refusal = make_error(errc::certificate_expired, "certificate expired",
                                 "certificate " + id + " has expired");
            return;
        }
        if (row->device && *row->device != *device) {
            refusal = make_error(
                errc::certificate_bound_elsewhere, "certificate provisioned to another device",
                "certificate " + id + " is provisioned to device " + row->device_id.value_or("?"));
            return;
        }
        storage::foundry::update_managed_certificate(db, row->sn, true, *device, policy.value());
    });
    if (refusal) {
        return *refusal;
    }
    return success();
}

status managed_certificate_service::revoke(std::int64_t account, const std::string& id,
                                           const std::string& device_id, int reason,
                                           const audit_context& audit) {
    auto& db = m_engine.store().reader();
    const auto row = storage::foundry::find_managed_certificate(db, account, id);
    if (!row) {
        return certificate_not_found(id);
    }
    const auto device = storage::foundry::find_account_device(db, account, device_id);
    if (!device) {
        return device_not_found(device_id);
    }
    revoke_request req;
    req.sn = row->sn;
    req.reason = reason;
    req.audit = audit;
    auto in_transaction = [account, id, device = *device](storage::connection& db) -> status {
        // Read again in the transaction: the association may have changed since the lookup.
        const auto current = storage::foundry::find_managed_certificate(db, account, id);
        if (!current || current->device != device) {
            return make_error(errc::certificate_not_bound, "certificate not provisioned to device",
                              "certificate " + id + " is not provisioned to this device");
        }
        storage::foundry::update_managed_certificate(db, current->sn, false, std::nullopt, {});
        return success();
    };
    auto st = m_engine.revoke_sync(req, std::move(in_transaction));
    if (!st && st.err().code == errc::already_revoked) {
        // The engine names certificates by serial; callers of this service know only the id.
        return make_error(errc::already_revoked, "already revoked",
                          "certificate " + id + " is already revoked");
    }
    return st;
}

std::vector<storage::foundry::topic_grant> managed_certificate_service::active_grants() {
    return storage::foundry::active_topic_grants(m_engine.store().reader(),
                                                 m_engine.clock().now_unix());
}

} // namespace localca::ca::foundry
