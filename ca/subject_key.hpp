#pragma once
// A subject and a public key that passed the authority's policy: what a certificate is built
// from. Produced from a CSR (csr.hpp) or from an existing certificate (renewal without CSR).
// No public key object is kept: a certificate needs only the SubjectPublicKeyInfo bytes, and
// building a Botan RSA key costs ~0.6 ms of CPU (see rsa_verify.hpp).
#include "ca/authority_kind.hpp"

#include <botan/x509_dn.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace localca::ca {

struct subject_key {
    Botan::X509_DN subject;                // decoded, for building the certificate
    std::vector<std::uint8_t> subject_der; // exactly the bytes of the CSR (order, string types)
    std::optional<std::string> cn;         // first commonName, if any
    authority_kind key_kind = authority_kind::rsa; // RSA-2048 or P-256: the policy that passed
    std::vector<std::uint8_t> spki_der;            // DER SubjectPublicKeyInfo
    std::vector<std::uint8_t> spki_sha256;
};

} // namespace localca::ca
