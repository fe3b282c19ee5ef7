#include "ca/errc.hpp"

namespace localca::ca {

const char* to_string(errc code) {
    switch (code) {
    case errc::csr_malformed: return "csr_malformed";
    case errc::csr_signature_invalid: return "csr_signature_invalid";
    case errc::key_not_allowed: return "key_not_allowed";
    case errc::signature_algorithm_not_allowed: return "signature_algorithm_not_allowed";
    case errc::subject_missing_cn: return "subject_missing_cn";
    case errc::unknown_authority: return "unknown_authority";
    case errc::validity_invalid: return "validity_invalid";
    case errc::validity_exceeds_maximum: return "validity_exceeds_maximum";
    case errc::duplicate_subject: return "duplicate_subject";
    case errc::key_in_use: return "key_in_use";
    case errc::device_not_found: return "device_not_found";
    case errc::device_not_eligible: return "device_not_eligible";
    case errc::certificate_not_found: return "certificate_not_found";
    case errc::certificate_not_bound: return "certificate_not_bound";
    case errc::certificate_revoked: return "certificate_revoked";
    case errc::certificate_expired: return "certificate_expired";
    case errc::already_revoked: return "already_revoked";
    case errc::invalid_reason: return "invalid_reason";
    case errc::authentication_failed: return "authentication_failed";
    case errc::decryption_failed: return "decryption_failed";
    case errc::signed_data_malformed: return "signed_data_malformed";
    case errc::signature_invalid: return "signature_invalid";
    case errc::profile_not_found: return "profile_not_found";
    case errc::subject_attribute_missing: return "subject_attribute_missing";
    case errc::not_before_invalid: return "not_before_invalid";
    case errc::request_not_found: return "request_not_found";
    case errc::request_rejected: return "request_rejected";
    case errc::invalid_topic_filter: return "invalid_topic_filter";
    case errc::certificate_bound_elsewhere: return "certificate_bound_elsewhere";
    case errc::device_disabled: return "device_disabled";
    case errc::device_enabled: return "device_enabled";
    case errc::device_exists: return "device_exists";
    case errc::product_not_found: return "product_not_found";
    case errc::internal: return "internal";
    }
    // Only reachable with a value cast from an out-of-range integer.
    return "unknown";
}

} // namespace localca::ca
