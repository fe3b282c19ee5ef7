#pragma once
// Certificates of registered devices: apply, renew, revoke and list, with the device rules
// (the device must exist, its product must allow certificate authentication, validity within
// the product's maximum, one live CN and one live key per device across the server).
// Protocol-neutral: the EnOS personality (and any later one) maps the errors to its wire format.
// A storage failure is an exception (the personality's internal error), thrown by the call itself;
// the writer's failure to commit arrives in `done` as errc::internal.
#include "ca/engine.hpp"
#include "ca/enos/registry.hpp"

#include <optional>
#include <string>
#include <vector>

namespace localca::ca::enos {

struct device_apply_request {
    device_ref device;
    std::string csr; // PEM or DER
    std::int64_t valid_days = 730;
    authority_kind authority = authority_kind::rsa;
    audit_context audit;
};

struct device_renew_request {
    device_ref device;
    std::int64_t sn = 0;
    std::optional<std::string> csr; // none: reuse the old subject and public key
    std::int64_t valid_days = 730;
    std::optional<authority_kind> authority; // none: the old certificate's authority
    audit_context audit;
};

struct device_revoke_request {
    device_ref device;
    std::int64_t sn = 0;
    int reason = 0;
    audit_context audit;
};

class device_service {
public:
    device_service(engine& e, registry& r) : m_engine(e), m_registry(r) {}

    // device_not_found when the org or the device does not exist.
    result<device_info> find_device(const device_ref& ref);

    // Errors: device_not_found, device_not_eligible, validity_invalid, validity_exceeds_maximum,
    // csr_* / key_not_allowed / signature_algorithm_not_allowed, subject_missing_cn,
    // duplicate_subject, key_in_use, internal. `done` runs after the certificate is durable.
    void apply(device_apply_request req, engine::issue_callback done);

    // As apply, plus certificate_not_found / certificate_not_bound, certificate_revoked,
    // certificate_expired for the certificate being renewed. The old certificate stays valid.
    void renew(device_renew_request req, engine::issue_callback done);

    // device_not_found, certificate_not_found / certificate_not_bound, already_revoked,
    // invalid_reason. The authority's next CRL is committed with the revocation.
    void revoke(device_revoke_request req, engine::revoke_callback done);

    // Every certificate ever bound to the device, ascending certSN.
    result<std::vector<certificate_record>> list(const device_ref& ref);

private:
    void issue_for(const device_info& dev, subject_key sk, authority_kind authority,
                   std::int64_t valid_days, std::optional<std::int64_t> renewing,
                   const audit_context& audit, engine::issue_callback done);

    engine& m_engine;
    registry& m_registry;
};

} // namespace localca::ca::enos
