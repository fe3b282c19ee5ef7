#pragma once
// RSASSA-PKCS1-v1_5 with SHA-256 verification for RSA-2048 public keys that are seen once: the
// proof of possession of a CSR.
//
// Why not Botan::PK_Verifier: building a Botan::RSA_PublicKey sets up Montgomery parameters with
// a constant-time division, ~0.6 ms of CPU for a 2048-bit modulus, several times the cost of the
// verification itself, and a CSR's key is used exactly once. Everything here is public (modulus,
// exponent, signature, message), so plain variable-time arithmetic is fine; R^2 mod n is derived
// without any division (see rsa_verify.cpp).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace localca::ca {

struct rsa_public_numbers {
    std::vector<std::uint8_t> modulus; // big-endian, exactly 256 bytes, top bit set, odd
    std::uint32_t exponent = 0;        // odd, >= 3
};

// Decodes the RSAPublicKey (RFC 8017 A.1.1) carried in a SubjectPublicKeyInfo BIT STRING and
// checks our policy for CSR keys: a 2048-bit odd modulus and an odd public exponent 3 <= e < 2^32
// (a huge exponent would make verification arbitrarily slow). Returns the reason on refusal.
// Throws std::invalid_argument when the bytes are not a DER RSAPublicKey.
struct rsa_key_check {
    std::optional<rsa_public_numbers> key;
    std::string refusal; // set when key is empty
};
rsa_key_check decode_rsa_public_key(std::span<const std::uint8_t> rsa_public_key_der);

// True when signature is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of message under key
// (the encoded message is compared byte for byte with the one we build, as RFC 8017 8.2.2 asks).
bool verify_rsa_pkcs1_sha256(const rsa_public_numbers& key, std::span<const std::uint8_t> message,
                             std::span<const std::uint8_t> signature);

} // namespace localca::ca
