#pragma once
// Typed domain errors of the CA engine. Each API personality maps every value to its own wire
// format (server/<personality>/errors.cpp); the engine never knows those formats.
#include <string>
#include <utility>
#include <variant>

namespace localca::ca {

enum class errc {
    csr_malformed,                   // not a PKCS#10 request (PEM or DER)
    csr_signature_invalid,           // proof of possession failed
    key_not_allowed,                 // key type/size/curve not allowed by the authority
    signature_algorithm_not_allowed, // CSR signed with another algorithm than the authority's
    subject_missing_cn,              // the subject has no commonName
    unknown_authority,               // neither RSA nor ECC
    validity_invalid,                // not a positive number of days
    validity_exceeds_maximum,        // above the caller's maximum (e.g. product maxValidDay)
    duplicate_subject,               // CN of a live certificate bound elsewhere
    key_in_use,                      // public key of a live certificate bound elsewhere
    device_not_found,
    device_not_eligible,             // e.g. product without bi-directional auth
    device_disabled,                 // disabled by its owner: no certificate, or already disabled
    device_enabled,                  // enabling a device that is not disabled
    device_exists,                   // creating a device whose key is taken
    product_not_found,               // no such product in the organization
    certificate_not_found,
    certificate_not_bound, // exists, but not bound to the named device
    certificate_revoked,
    certificate_expired,
    already_revoked,
    invalid_reason, // not an RFC 5280 CRLReason we accept
    // Registered API users, issuance profiles and issuance requests.
    authentication_failed, // unknown user, wrong password, key or source address
    decryption_failed,     // request envelope does not decrypt with the user's key
    signed_data_malformed, // not a CMS SignedData we understand
    signature_invalid,     // CMS signature does not verify with the registered signer
    profile_not_found,
    subject_attribute_missing, // the profile requires a subject attribute the CSR lacks
    not_before_invalid,        // requested notBefore unusable (e.g. after the root expires)
    request_not_found,         // no issuance request with that id for this user
    request_rejected,          // an officer rejected the request
    // Server-keyed managed certificates: state, topic policy, device association.
    invalid_topic_filter,        // not a valid MQTT topic filter, or an empty policy
    certificate_bound_elsewhere, // associated with another device
    internal,                    // storage or crypto failure: never the caller's fault
};

// Stable name of a code, for logs and tests ("csr_malformed", ...).
const char* to_string(errc code);

struct error {
    errc code;
    std::string message; // short, safe to show to the caller
    std::string detail;  // more precise cause, safe to show (never key material)
};

// A value or an error (expected failures are values, not exceptions).
template <class T> class result {
public:
    result(T value) : m_v(std::move(value)) {}
    result(error e) : m_v(std::move(e)) {}
    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(m_v); }
    const T& value() const { return std::get<0>(m_v); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const error& err() const { return std::get<1>(m_v); }

private:
    std::variant<T, error> m_v;
};

struct none {};
using status = result<none>;
inline status success() { return none{}; }

inline error make_error(errc code, std::string message, std::string detail = {}) {
    return error{code, std::move(message), std::move(detail)};
}

} // namespace localca::ca
