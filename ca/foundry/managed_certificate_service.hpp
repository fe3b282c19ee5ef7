#pragma once
// Managed certificates: the server generates the key pair, issues the certificate to an account,
// and keeps its state:
//   INACTIVE  issued, grants nothing (a broker lets it connect but gives it no topic);
//   ACTIVE    its topic policy (MQTT topic filters) grants publish/subscribe;
//   REVOKED   terminal; in the authority's CRL, no policy, no device.
// An INACTIVE or ACTIVE certificate may be associated with one device of its account (a device
// may hold several certificates). Accounts never see each other's certificates or devices.
// Protocol-neutral: a personality maps ids, statuses and errors to its wire format.
//
// Every call blocks (SQL, and for create() key generation and signing): worker threads only.
// The calls return after the change is committed, so the caller can then publish the new state
// (e.g. a broker's ACL file) knowing it is durable.
#include "ca/engine.hpp"
#include "ca/foundry/key_pool.hpp"
#include "storage/foundry/managed_certificate_repository.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::ca::foundry {

enum class managed_status { inactive, active, revoked };

// "INACTIVE" | "ACTIVE" | "REVOKED".
const char* to_string(managed_status status);

struct managed_certificate {
    std::int64_t sn = 0;
    std::string id; // lowercase hex SHA-256 of the DER (ca/fingerprint.hpp)
    managed_status status = managed_status::inactive;
    std::optional<std::string> device_id; // none when not associated (always for REVOKED)
    std::vector<std::string> topics;      // the policy; empty unless ACTIVE
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
    std::string pem;
};

struct created_certificate {
    managed_certificate certificate;
    // PKCS#1 PEM ("-----BEGIN RSA PRIVATE KEY-----"). Exists only in this value: the key is
    // never stored, logged or kept after the answer is sent.
    std::string private_key_pem;
};

struct managed_create_request {
    std::int64_t account = 0;
    // Set: the certificate is ACTIVE with this policy at once. Unset: INACTIVE, no policy.
    std::optional<std::vector<std::string>> topics;
    // Subject CN; none: a fresh random UUID, so that brokers can tell certificates apart.
    std::optional<std::string> common_name;
    certificate_profile profile; // extensions and validity, issued by the RSA authority
    audit_context audit;         // the caller, for the audit log
};

// A storage failure is an exception thrown by the call (the personality's internal error); a
// failed commit of the writer is errc::internal.
class managed_certificate_service {
public:
    managed_certificate_service(engine& e, key_pool& keys) : m_engine(e), m_keys(keys) {}
    ca::engine& engine_ref() { return m_engine; }

    // Errors: invalid_topic_filter, internal.
    result<created_certificate> create(managed_create_request req);

    // certificate_not_found when the id is unknown in this account.
    result<managed_certificate> find(std::int64_t account, const std::string& id);

    // Policy := topics, status ACTIVE, associated with the device. Errors: invalid_topic_filter,
    // certificate_not_found, device_not_found, certificate_revoked, certificate_expired,
    // certificate_bound_elsewhere (associated with another device), internal.
    status provision(std::int64_t account, const std::string& id, const std::string& device_id,
                     std::vector<std::string> topics);

    // REVOKED with `reason` (RFC 5280 code), policy and association dropped, CRL updated, all in
    // one transaction. Errors: certificate_not_found, device_not_found, already_revoked,
    // certificate_not_bound (not associated with that device), invalid_reason, internal.
    status revoke(std::int64_t account, const std::string& id, const std::string& device_id,
                  int reason, const audit_context& audit = {});

    // Every topic filter granted now, by subject CN, across all accounts (for broker views).
    std::vector<storage::foundry::topic_grant> active_grants();

private:
    engine& m_engine;
    key_pool& m_keys;
};

} // namespace localca::ca::foundry
