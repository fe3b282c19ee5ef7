#pragma once
// OCSP requests (RFC 6960 4.1, RFC 5019 profile): the strict parser the responder answers from.
// Pure: no I/O, no time, no key. Unsigned requests only are needed; an optionalSignature is
// parsed as an element and ignored (RFC 5019 2.1.2: responders need not check it).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::ca {

// One CertID of a request (RFC 6960 4.1.1), re-encoded by us to check it was DER.
struct ocsp_cert_id {
    // Botan name of hashAlgorithm: "SHA-1", "SHA-256", "SHA-384" or "SHA-512"; "" for any other
    // algorithm (its hashes then match no issuer: the request is unauthorized, not malformed).
    std::string hash;
    std::vector<std::uint8_t> issuer_name_hash; // over the issuer's DN DER
    std::vector<std::uint8_t> issuer_key_hash;  // over the issuer's subjectPublicKey BIT STRING
    // The serial when it is one we could have issued (1 .. 2^63-1); none for zero, negative or
    // longer serials, which are then answered `unknown`.
    std::optional<std::int64_t> serial;
    std::vector<std::uint8_t> der; // the CertID exactly as received: echoed in the response
};

struct ocsp_request {
    std::vector<ocsp_cert_id> cert_ids; // at least one
    // extnValue of the id-pkix-ocsp-nonce extension (the DER OCTET STRING of 1..32 octets, RFC
    // 8954), echoed byte for byte in the response; none when the request has no nonce.
    std::optional<std::vector<std::uint8_t>> nonce;
};

enum class ocsp_request_error {
    none,
    malformed,  // not an OCSPRequest in DER, trailing bytes, unknown critical extension
    nonce_size, // a nonce of 0 or more than 32 octets, or one that is not an OCTET STRING
    too_many,   // more single requests than the configured cap
};

struct ocsp_parse_result {
    std::optional<ocsp_request> request; // set when error == none
    ocsp_request_error error = ocsp_request_error::none;
    std::string detail; // for the log, never sent
};

// Parses a DER OCSPRequest. Accepts at most max_requests CertIDs. Never throws for bad input.
ocsp_parse_result parse_ocsp_request(const std::uint8_t* data, std::size_t size,
                                     std::size_t max_requests);

inline ocsp_parse_result parse_ocsp_request(const std::vector<std::uint8_t>& der,
                                            std::size_t max_requests) {
    return parse_ocsp_request(der.data(), der.size(), max_requests);
}

// Digest size of a hash named as in ocsp_cert_id::hash (20, 32, 48, 64); 0 for "".
std::size_t ocsp_hash_size(const std::string& hash);

} // namespace localca::ca
