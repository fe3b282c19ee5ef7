#pragma once
// CSR validation. A CSR is untrusted input: we take from it only the subject and the public key,
// and only after the signature verified and the key and signature algorithm passed the policy
// of the target authority. Requested extensions are ignored.
// The steps have files of their own: csr_pem (PEM to DER), der_reader (strict DER),
// subject_name (the subject's structure), key_policy, proof_of_possession.
#include "ca/authority_kind.hpp"
#include "ca/errc.hpp"
#include "ca/key_policy.hpp" // check_key, re-exported: the policy check_csr applies
#include "ca/subject_key.hpp"

#include <botan/rsa.h>
#include <botan/x509cert.h>

#include <string>
#include <string_view>

namespace localca::ca {

// Accepts PEM ("BEGIN CERTIFICATE REQUEST" or "BEGIN NEW CERTIFICATE REQUEST", LF or CRLF) or
// raw DER. Errors: csr_malformed, csr_signature_invalid, key_not_allowed,
// signature_algorithm_not_allowed; each with a useful detail.
// Policy: rsa -> RSA 2048-bit key, sha256WithRSAEncryption; ecc -> P-256 key, ecdsa-with-SHA256.
result<subject_key> check_csr(std::string_view pem_or_der, authority_kind kind);

// The subject (byte for byte) and public key of an existing certificate, for renewal without a
// CSR; the key must pass check_key() for the authority (key_not_allowed otherwise).
result<subject_key> subject_key_of(const Botan::X509_Certificate& cert, authority_kind kind);

} // namespace localca::ca
