#pragma once
// OCSP responses (RFC 6960 4.2, RFC 5019 profile): the DER we send. Pure encoding and signing:
// the caller decides every status and time.
#include <botan/asn1_obj.h>
#include <botan/pk_keys.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace localca::ca {

enum class ocsp_response_status : std::uint8_t {
    successful = 0,
    malformed_request = 1,
    internal_error = 2,
    try_later = 3,
    unauthorized = 6,
};

enum class ocsp_cert_status { good, revoked, unknown };

struct ocsp_single_response {
    std::vector<std::uint8_t> cert_id_der; // echoed from the request
    ocsp_cert_status status = ocsp_cert_status::unknown;
    std::chrono::system_clock::time_point revocation_time; // revoked only
    std::optional<int> revocation_reason;                  // revoked only; CRLReason code
    std::chrono::system_clock::time_point this_update;
    std::chrono::system_clock::time_point next_update;
};

// A delegated responder: its key, its certificate (sent in `certs`) and the responderID.
// Immutable once built; shared between threads (signing state is per thread).
class ocsp_signing_key {
public:
    // `key` is the private key of `cert_der`; RSA keys sign sha256WithRSAEncryption, EC keys
    // ecdsa-with-SHA256.
    ocsp_signing_key(std::shared_ptr<const Botan::Private_Key> key,
                     std::vector<std::uint8_t> cert_der,
                     std::chrono::system_clock::time_point not_after);

    // Distinct for every object built in this process (keys the per-thread signers).
    std::uint64_t id() const { return m_id; }
    const std::vector<std::uint8_t>& cert_der() const { return m_cert_der; }
    // SHA-1 of the responder's subjectPublicKey BIT STRING contents: ResponderID byKey.
    const std::vector<std::uint8_t>& key_hash() const { return m_key_hash; }
    std::chrono::system_clock::time_point not_after() const { return m_not_after; }

    // Signs `tbs` with the calling thread's signer (the algorithm: algorithm_der()).
    std::vector<std::uint8_t> sign(const std::vector<std::uint8_t>& tbs) const;

    // Encoded once, repeated in every response: responderID ([2] EXPLICIT KeyHash), the
    // signature's AlgorithmIdentifier (sha256WithRSAEncryption or ecdsa-with-SHA256) and certs
    // ([0] EXPLICIT SEQUENCE { the responder certificate }).
    const std::vector<std::uint8_t>& responder_id_der() const { return m_responder_id_der; }
    const std::vector<std::uint8_t>& algorithm_der() const { return m_algorithm_der; }
    const std::vector<std::uint8_t>& certs_der() const { return m_certs_der; }

private:
    std::uint64_t m_id;
    std::shared_ptr<const Botan::Private_Key> m_key;
    std::vector<std::uint8_t> m_cert_der;
    std::vector<std::uint8_t> m_key_hash;
    std::chrono::system_clock::time_point m_not_after;
    bool m_rsa = false;
    std::vector<std::uint8_t> m_responder_id_der;
    std::vector<std::uint8_t> m_algorithm_der;
    std::vector<std::uint8_t> m_certs_der;
};

// An OCSPResponse without responseBytes: malformedRequest, unauthorized, internalError...
std::vector<std::uint8_t> ocsp_error_response(ocsp_response_status status);

// A successful OCSPResponse with a BasicOCSPResponse: responderID byKey, producedAt, the single
// responses in order, the nonce extension (its extnValue as received) when given, signed by
// `signer`, certs = [the responder certificate]. Times are written to the second, in
// GeneralizedTime. Throws on a signing failure (internal error).
std::vector<std::uint8_t>
build_ocsp_response(const std::vector<ocsp_single_response>& responses,
                    std::chrono::system_clock::time_point produced_at,
                    const std::optional<std::vector<std::uint8_t>>& nonce_extn_value,
                    const ocsp_signing_key& signer);

} // namespace localca::ca
