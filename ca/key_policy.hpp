#pragma once
// The key and signature algorithm policy of each authority: rsa -> an RSA-2048 key and
// sha256WithRSAEncryption; ecc -> a P-256 key (named curve) and ecdsa-with-SHA256. Applied to the
// key and algorithms of a CSR (csr.hpp) and to the key of a certificate being renewed.
#include "ca/authority_kind.hpp"
#include "ca/der_oid.hpp"
#include "ca/errc.hpp"

#include <botan/pk_keys.h>

#include <optional>
#include <string>

namespace localca::ca {

// Same key/algorithm policy for a key taken from an existing certificate (renewal without CSR).
status check_key(const Botan::Public_Key& key, authority_kind kind);

// A readable name of an algorithm or curve OID for error details ("P-384 (secp384r1)"), else
// "algorithm <dotted>".
std::string oid_name(const Botan::OID& oid);

// errc::key_not_allowed with `detail`.
error key_refused(std::string detail);

// Thrown while a request's key is decoded when it is outside the authority's policy; the CSR
// check answers it as errc::key_not_allowed.
struct key_policy_refusal {
    std::string detail;
};

// The key algorithm of a SubjectPublicKeyInfo, checked before Botan builds a key from it, so an
// unsupported algorithm is reported as such rather than as a parse failure. key_not_allowed;
// throws der_error for parameters no key of the algorithm has.
std::optional<error> check_key_algorithm(const algorithm_identifier& alg, authority_kind kind);

// The request's signature algorithm: signature_algorithm_not_allowed; throws der_error for
// parameters the algorithm does not take.
std::optional<error> check_signature_algorithm(const algorithm_identifier& alg,
                                               authority_kind kind);

} // namespace localca::ca
