#pragma once
// CMS (RFC 5652) SignedData, the subset API clients sign their payloads with: SHA-256, content
// attached (id-data), RSA PKCS#1 v1.5 or ECDSA signers, with or without signed attributes.
// DER and BER with indefinite lengths (Bouncy Castle, `openssl cms -stream`) are both accepted.
// Botan 2.19 has no CMS module, so this walks the structure with Botan's BER_Decoder.
//
// The input is untrusted: every length is bounded, anything outside the subset is rejected
// (signed_data_malformed), never guessed at. Certificates carried in the message are ignored:
// the caller verifies against the signer certificate it has registered.
#include "ca/errc.hpp"

#include <botan/asn1_oid.h>
#include <botan/pk_keys.h>

#include <cstdint>
#include <span>
#include <vector>

namespace localca::ca::emca {

struct cms_signer_info {
    // DER of the signed attributes as signed (SET OF, tag 0x31); empty when there are none.
    std::vector<std::uint8_t> signed_attributes;
    std::vector<std::uint8_t> message_digest; // the messageDigest attribute, when present
    Botan::OID signature_algorithm;
    std::vector<std::uint8_t> signature;
};

struct cms_signed_data {
    std::vector<std::uint8_t> content; // the attached content (chunks of BER joined)
    std::vector<cms_signer_info> signers;
};

// Largest message accepted (bytes); larger input is signed_data_malformed.
inline constexpr std::size_t k_cms_max_bytes = 1 << 20;

// Parses without verifying. Errors: signed_data_malformed (with a detail naming what was
// refused). Never throws for any input: this is the fuzz entry point.
result<cms_signed_data> parse_signed_data(std::span<const std::uint8_t> ber);

// Parses, then verifies one signer with `signer_key` (RSA or ECDSA): with signed attributes the
// messageDigest must equal SHA-256(content) and the signature covers the attributes' DER;
// without, it covers the content. Returns the content. Errors: signed_data_malformed,
// signature_invalid.
result<std::vector<std::uint8_t>> verify_signed_data(std::span<const std::uint8_t> ber,
                                                     const Botan::Public_Key& signer_key);

} // namespace localca::ca::emca
