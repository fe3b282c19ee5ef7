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
    case errc::internal: return "internal";
    }
    // Only reachable with a value cast from an out-of-range integer.
    return "unknown";
}

} // namespace localca::ca
