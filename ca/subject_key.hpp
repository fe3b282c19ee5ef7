#pragma once
// A subject and a public key that passed the authority's policy: what a certificate is built
// from. Produced from a CSR (csr.hpp) or from an existing certificate (renewal without CSR).
// The public key object is built once here and reused for verification and issuance (building
// an RSA key costs ~0.4 ms).
#include <botan/pk_keys.h>
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
    std::shared_ptr<const Botan::Public_Key> key;
    std::vector<std::uint8_t> spki_der;    // DER SubjectPublicKeyInfo
    std::vector<std::uint8_t> spki_sha256;
};

} // namespace localca::ca
