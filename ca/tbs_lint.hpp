#pragma once
// The pre-signature lint: every TBSCertificate is decoded and checked before the authority signs
// it, and the signed certificate must then carry exactly the bytes that were checked. A profile
// or encoder bug thus refuses one issuance instead of putting a malformed certificate in the
// field (the idea of Let's Encrypt's Boulder, which lints a throw-away precertificate).
//
// The lint decodes the DER itself with Botan's BER_Decoder, independently of the encoder in
// profile.cpp it checks: sharing that code would make both wrong in the same way. It cannot be
// switched off; it costs a few microseconds against a signature's hundreds.
#include "ca/profile.hpp"

#include <botan/x509cert.h>

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace localca::ca {

// Every rule `tbs` (a DER TBSCertificate) breaks, one readable line each, e.g.
// "keyUsage: keyEncipherment on an EC key"; empty when it passes. The rules: v3; a positive
// serial of at most 20 octets, minimally encoded; the signature algorithm one the issuer's key
// makes (sha256/384/512 with RSA and NULL parameters, ECDSA with SHA-2 and none); issuer equal to
// the issuer's subject; validity a valid UTCTime/GeneralizedTime pair inside the issuer's;
// subject strings well formed (lint_name); a known public key algorithm; a non-empty
// extension list with no duplicate and only extensions a profile makes; basicConstraints
// CA:FALSE without pathLen, critical as the profile says; keyUsage exactly the profile's,
// critical, without CA bits and consistent with the key type (no keyEncipherment or
// dataEncipherment on an EC key, digitalSignature present for EC; no keyAgreement on RSA);
// extendedKeyUsage exactly the profile's, not critical; SKI present, not critical, SHA-1 of the
// subjectPublicKey (RFC 5280 method 1); AKI present, not critical, its keyIdentifier the issuer's
// SKI; an empty subject only with a critical subjectAltName; subjectAltName entries well formed
// (DNS names, 4- or 16-octet IP addresses, e-mail addresses, URIs) and DER (no explicit FALSE).
std::vector<std::string> lint_tbs(std::span<const std::uint8_t> tbs,
                                  const Botan::X509_Certificate& issuer,
                                  const certificate_profile& profile);

// The rules on a DER Name alone: SEQUENCE OF non-empty SETs of { OID, string }; each string of a
// type and charset RFC 5280 allows (UTF8String valid UTF-8, PrintableString / NumericString /
// IA5String / VisibleString within their alphabets, BMPString / UniversalString whole code
// units, TeletexString), not empty, no NUL, within the RFC 5280 upper bound of its attribute
// (CN, O, OU 64; L, ST 128; C 2; serialNumber 64; emailAddress 255). Used by the lint and by the
// engine to refuse a subject as the caller's error before it ever reaches the lint.
std::vector<std::string> lint_name(std::span<const std::uint8_t> name_der);

// A TBSCertificate or signed certificate the lint refused. Unexpected by construction (profiles
// and the encoder are ours), hence an exception; the engine turns it into errc::internal.
class lint_failure : public std::runtime_error {
public:
    explicit lint_failure(std::vector<std::string> findings);
    const std::vector<std::string>& findings() const { return m_findings; }

private:
    std::vector<std::string> m_findings;
};

// lint_tbs(), throwing lint_failure when it finds anything.
void require_lint_clean(std::span<const std::uint8_t> tbs, const Botan::X509_Certificate& issuer,
                        const certificate_profile& profile);

// Throws lint_failure unless `certificate` (DER) is SEQUENCE { tbs, signatureAlgorithm,
// signature } with exactly the linted `tbs` bytes, a signatureAlgorithm equal to the TBS's
// signature field and nothing after it.
void require_signed_as_linted(std::span<const std::uint8_t> certificate,
                              std::span<const std::uint8_t> tbs);

} // namespace localca::ca
