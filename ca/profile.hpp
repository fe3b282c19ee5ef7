#pragma once
// Certificate profiles: the extensions and validity of what we issue come from here, never from
// the CSR.
#include "ca/authority.hpp"
#include "ca/subject_key.hpp"

#include <botan/x509_ext.h>

#include <botan/key_constraint.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::ca {

// What a class of issued certificates looks like. Personalities pick or build one; the CSR never
// contributes anything but its subject and public key.
struct certificate_profile {
    std::string name = "device"; // stored with each certificate
    // basicConstraints CA:FALSE is always present; critical or not.
    bool basic_constraints_critical = false;
    // keyUsage (critical) when set; Botan::Key_Constraints bits, e.g. DIGITAL_SIGNATURE.
    std::optional<Botan::Key_Constraints> key_usage;
    // extendedKeyUsage (not critical) when non-empty, e.g. Botan::OID("1.3.6.1.5.5.7.3.2").
    std::vector<Botan::OID> extended_key_usage;
    // true: notAfter = the root's notAfter whatever validity was asked for (AWS IoT style).
    bool until_root_expiry = false;
    // subjectAltName (not critical) when either is non-empty: dNSName entries, and iPAddress
    // entries in text form ("127.0.0.1", "::1"; an invalid one makes profile_extensions throw).
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    // Authority Information Access (not critical) when true and the engine has an OCSP or
    // caIssuers URL template (options::ocsp_url_template): the engine fills the two URLs below.
    // An API switches it off for byte-exact vendor certificates (options::aia_for).
    bool authority_info_access = true;
    std::string aia_ocsp_url;       // id-ad-ocsp accessLocation; "" = none
    std::string aia_ca_issuers_url; // id-ad-caIssuers accessLocation; "" = none
    // id-pkix-ocsp-nocheck (RFC 6960 4.2.2.2.1, NULL, not critical): OCSP responder certificates.
    bool ocsp_no_check = false;
    // Also subjectAltName: rfc822Name and uniformResourceIdentifier entries (local certificates,
    // ca/local_certificate.hpp), taken as given: the pre-signature lint checks their syntax.
    std::vector<std::string> emails;
    std::vector<std::string> uris;
};

// The device profile (matches the certificates of the cloud CAs LocalCA stands in for): CA:FALSE
// not critical, SKI, AKI, CRL distribution point; validity from the request.
certificate_profile device_profile();

// True for a name a server certificate may carry: an IPv4 / IPv6 address, or a DNS host name
// (dot-separated labels of letters, digits and inner hyphens, at most 63 characters each and
// 253 in all; a single label such as "localhost" is fine). No wildcards.
bool valid_server_name(const std::string& name);

// The TLS server profile (LocalCA's own HTTPS certificate): critical basicConstraints CA:FALSE,
// critical keyUsage digitalSignature + keyEncipherment, extendedKeyUsage serverAuth, SKI, AKI,
// CRL distribution point, subjectAltName with each name as iPAddress when it parses as an IP
// address, else as dNSName. Throws std::invalid_argument for an empty list or a name that fails
// valid_server_name().
certificate_profile server_profile(const std::vector<std::string>& names);

// A delegated OCSP responder (RFC 6960 4.2.2.2): critical basicConstraints CA:FALSE, critical
// keyUsage digitalSignature, extendedKeyUsage id-kp-OCSPSigning, id-pkix-ocsp-nocheck, SKI,
// AKI, CRL distribution point; no AIA (a client must not ask about the responder itself).
certificate_profile ocsp_responder_profile();

struct certificate_spec {
    std::int64_t serial = 0;
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
    Botan::Extensions extensions;
    // The profile `extensions` were built from: the pre-signature lint (tbs_lint.hpp) holds the
    // TBSCertificate to it.
    certificate_profile profile;
};

// Device profile: basicConstraints CA:FALSE (not critical), SKI, AKI (keyid), CRL distribution
// point `crl_url` (crl_url() below; none when empty).
Botan::Extensions device_extensions(const authority& ca, const subject_key& sk,
                                    const std::string& crl_url);

// The extensions of `profile`: basicConstraints CA:FALSE, keyUsage / extendedKeyUsage /
// subjectAltName as the profile says, SKI, AKI and the CRL distribution point `crl_url` (none
// when empty).
Botan::Extensions profile_extensions(const authority& ca, const subject_key& sk,
                                     const std::string& crl_url,
                                     const certificate_profile& profile);

// notAfter = not_before + days x 86400 s exactly, clamped to the root's notAfter.
std::chrono::system_clock::time_point
device_not_after(const authority& ca, std::chrono::system_clock::time_point nb, std::int64_t days);

// Signs a certificate with X509_CA::make_cert (never sign_request, which copies CSR extensions).
// Uses the calling thread's signer and RNG. Returns the DER. The TBSCertificate passes the
// pre-signature lint first and the signed certificate must carry it unchanged: lint_failure
// (tbs_lint.hpp) otherwise, and nothing is signed or nothing is returned.
std::vector<std::uint8_t> sign_certificate(const authority& ca, const subject_key& sk,
                                           const certificate_spec& spec);

// A URL template of the options with "{base}" replaced by public_base_url (trailing slashes
// dropped) and "{authority}" by the authority's name (RSA | ECC). Throws std::invalid_argument
// for any other "{...}" or an unmatched brace, so the wiring can check a template at start.
std::string expand_url_template(std::string_view url_template, std::string_view public_base_url,
                                authority_kind kind);

// The CRL distribution point of the authority's certificates: opts.crl_url_template expanded, ""
// (none) when the template is empty.
std::string crl_url(const options& opts, authority_kind kind);

} // namespace localca::ca
