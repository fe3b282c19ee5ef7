#pragma once
// Certificate profiles: the extensions and validity of what we issue come from here, never from
// the CSR.
#include "ca/authority.hpp"
#include "ca/subject_key.hpp"

#include <botan/x509_ext.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace localca::ca {

struct certificate_spec {
    std::int64_t serial = 0;
    std::chrono::system_clock::time_point not_before;
    std::chrono::system_clock::time_point not_after;
    Botan::Extensions extensions;
};

// Device profile (matches EnOS-issued certificates): basicConstraints CA:FALSE (not critical),
// SKI, AKI (keyid), CRL distribution point <public_base_url>/enos/CA/crl/<RSA|ECC>.
Botan::Extensions device_extensions(const authority& ca, const subject_key& sk,
                                    const std::string& public_base_url);

// notAfter = not_before + days x 86400 s exactly, clamped to the root's notAfter.
std::chrono::system_clock::time_point device_not_after(const authority& ca,
                                                       std::chrono::system_clock::time_point nb,
                                                       std::int64_t days);

// Signs a certificate with X509_CA::make_cert (never sign_request, which copies CSR extensions).
// Uses the calling thread's signer and RNG. Returns the DER.
std::vector<std::uint8_t> sign_certificate(const authority& ca, const subject_key& sk,
                                           const certificate_spec& spec);

// "http://host:port/enos/CA/crl/RSA" for the authority.
std::string crl_url(const std::string& public_base_url, authority_kind kind);

} // namespace localca::ca
