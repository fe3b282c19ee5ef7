#include "ca/enos/device_service.hpp"

#include "ca/csr.hpp"
#include "ca/enos/device_errors.hpp"
#include "ca/unix_time.hpp"

#include <chrono>
#include <optional>

namespace localca::ca::enos {

namespace {

// The product rules every issuance for a device passes: certificate auth enabled, validity a
// positive number of days within the product's maximum.
std::optional<error> check_device_rules(const device_info& dev, std::int64_t valid_days) {
    if (dev.disabled) {
        return make_error(errc::device_disabled, "device disabled",
                          "device " + dev.asset_id + " is disabled");
    }
    if (!dev.bi_directional_auth) {
        return make_error(errc::device_not_eligible, "product without certificate auth",
                          "product " + dev.product_key +
                              " does not have bi-directional authentication");
    }
    if (valid_days <= 0) {
        return make_error(errc::validity_invalid, "invalid validity",
                          "validDay must be a positive integer");
    }
    if (valid_days > dev.max_valid_day) {
        return make_error(errc::validity_exceeds_maximum, "validity exceeds the maximum",
                          std::to_string(valid_days) + " days requested, product " +
                              dev.product_key + " allows at most " +
                              std::to_string(dev.max_valid_day));
    }
    return std::nullopt;
}

} // namespace

result<device_info> device_service::find_device(const device_ref& ref) {
    auto dev = m_registry.find_device(ref);
    if (!dev) {
        return device_not_found();
    }
    return std::move(*dev);
}

void device_service::issue_for(const device_info& dev, subject_key sk, authority_kind authority,
                               std::int64_t valid_days, std::optional<std::int64_t> renewing,
                               const audit_context& audit, engine::issue_callback done) {
    issue_request req;
    req.api = "enos";
    req.authority = authority;
    req.subject = std::move(sk);
    req.valid_days = valid_days;
    req.max_valid_days = dev.max_valid_day;
    req.device = dev.id;
    req.unique_subject = true; // one live CN per device across the server
    req.unique_key = true;     // one live key per device across the server
    req.renewing_sn = renewing;
    req.audit = audit;
    req.profile.authority_info_access = m_engine.opts().aia_for("enos");
    m_engine.issue(std::move(req), std::move(done));
}

void device_service::apply(device_apply_request req, engine::issue_callback done) {
    auto dev = find_device(req.device);
    if (!dev) {
        return done(dev.err());
    }
    // Validity before the CSR: a bad validDay is reported even for a good CSR.
    if (auto e = check_device_rules(dev.value(), req.valid_days)) {
        return done(std::move(*e));
    }
    auto sk = check_csr(req.csr, req.authority);
    if (!sk) {
        return done(sk.err());
    }
    issue_for(dev.value(), std::move(sk.value()), req.authority, req.valid_days, std::nullopt,
              req.audit, std::move(done));
}

void device_service::renew(device_renew_request req, engine::issue_callback done) {
    auto dev = find_device(req.device);
    if (!dev) {
        return done(dev.err());
    }
    if (auto e = check_device_rules(dev.value(), req.valid_days)) {
        return done(std::move(*e));
    }
    const auto old = m_engine.find_certificate(req.sn);
    if (!old) {
        return done(make_error(errc::certificate_not_found, "certificate not found",
                               "no certificate with serial " + std::to_string(req.sn)));
    }
    if (old->device != dev->id) {
        return done(
            make_error(errc::certificate_not_bound, "certificate not bound",
                       "certificate " + std::to_string(req.sn) + " is not bound to this device"));
    }
    if (old->status == storage::certificate_status::revoked) {
        return done(make_error(errc::certificate_revoked, "certificate revoked",
                               "certificate " + std::to_string(req.sn) + " is revoked"));
    }
    if (old->not_after <= m_engine.clock().now_unix()) {
        return done(make_error(errc::certificate_expired, "certificate expired",
                               "certificate " + std::to_string(req.sn) + " has expired"));
    }
    const auto old_authority = parse_authority(old->authority);
    const authority_kind authority =
        req.authority.value_or(old_authority.value_or(authority_kind::rsa));
    result<subject_key> sk = [&]() -> result<subject_key> {
        if (req.csr) {
            return check_csr(*req.csr, authority);
        }
        return subject_key_of(Botan::X509_Certificate(old->der), authority);
    }();
    if (!sk) {
        return done(sk.err());
    }
    issue_for(dev.value(), std::move(sk.value()), authority, req.valid_days, req.sn, req.audit,
              std::move(done));
}

void device_service::revoke(device_revoke_request req, engine::revoke_callback done) {
    auto dev = find_device(req.device);
    if (!dev) {
        return done(dev.err());
    }
    revoke_request r;
    r.sn = req.sn;
    r.reason = req.reason;
    r.device = dev->id;
    r.audit = req.audit;
    m_engine.revoke(r, std::move(done));
}

result<std::vector<certificate_record>> device_service::list(const device_ref& ref) {
    auto dev = find_device(ref);
    if (!dev) {
        return dev.err();
    }
    return storage::certificates_of_device(m_engine.store().reader(), dev->id);
}

} // namespace localca::ca::enos
