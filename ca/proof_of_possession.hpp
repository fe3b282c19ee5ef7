#pragma once
// The proof of possession of a CSR: its key decoded once, under the authority's key policy, and
// the request's signature over its CertificationRequestInfo verified with it.
#include "ca/der_reader.hpp"
#include "ca/rsa_verify.hpp"

#include <botan/pk_keys.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace localca::ca {

// An RSA key from the subjectPublicKey BIT STRING's bits, as plain numbers, not a Botan key
// object (see rsa_verify.hpp). Throws der_error when undecodable, key_policy_refusal
// (key_policy.hpp) when outside the RSA authority's policy.
rsa_public_numbers rsa_key_of(der_bytes public_key_bits);

// A P-256 key from the DER SubjectPublicKeyInfo. Throws der_error when undecodable,
// key_policy_refusal when outside the ECC authority's policy.
std::unique_ptr<Botan::Public_Key> ecc_key_of(const std::vector<std::uint8_t>& spki_der);

// Whether `signature` (DER ECDSA-Sig-Value) is ecdsa-with-SHA256 over `info` with `key`; a
// signature that is not canonical DER does not verify.
bool verify_ecdsa(const Botan::Public_Key& key, der_bytes info, der_bytes signature);

} // namespace localca::ca
