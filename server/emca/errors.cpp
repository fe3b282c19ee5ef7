#include "server/emca/errors.hpp"

namespace localca::server::emca {

std::string failure_text(const ca::error& e, const std::string& profile_id) {
    using ca::errc;
    switch (e.code) {
    // What the createCertificatesByIdWithMultipleCsrData page lists under "Please enter valid
    // data": a CSR that is invalid or lacks what the profile requires.
    case errc::csr_malformed:
    case errc::csr_signature_invalid:
    case errc::key_not_allowed:
    case errc::signature_algorithm_not_allowed:
    case errc::subject_missing_cn:
    case errc::subject_attribute_missing:
    case errc::duplicate_subject:
    case errc::key_in_use:
    case errc::unknown_authority:
    case errc::invalid_topic_filter:
        return k_invalid_data;
    case errc::validity_invalid:
    case errc::validity_exceeds_maximum:
        return k_invalid_validity;
    case errc::not_before_invalid:
        return k_invalid_from_date;
    case errc::authentication_failed:
    case errc::device_not_found:
    case errc::device_not_eligible:
    case errc::device_disabled:
    case errc::device_enabled:
    case errc::device_exists:
    case errc::product_not_found:
        return k_invalid_request;
    case errc::decryption_failed:
        return k_invalid_input;
    case errc::signed_data_malformed:
    case errc::signature_invalid:
        return k_signature_failed;
    case errc::profile_not_found:
        return profile_id + " profile does not exist";
    // Where emCA's public documents give no text, ours (docs/emca.md).
    case errc::certificate_not_found:
    case errc::certificate_not_bound:
    case errc::certificate_bound_elsewhere:
        return "Certificate does not exist";
    case errc::certificate_revoked:
    case errc::already_revoked:
        return "Certificate is already revoked";
    case errc::certificate_expired:
        return "Certificate has expired";
    case errc::invalid_reason:
        return "Invalid revokeMode";
    case errc::request_not_found:
        return "Request ID does not exist";
    case errc::request_rejected:
        return "Request rejected";
    case errc::internal:
        return k_internal;
    }
    return k_internal;
}

} // namespace localca::server::emca
