#pragma once
// A stored certificate decoded for the operator (GET /admin/v1/certificates/{certSN}).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace localca::ca::admin {

struct extension_info {
    std::string oid;
    std::string name; // Botan's name for it, "" when unknown
    bool critical = false;
};

struct certificate_details {
    std::string subject;               // RFC 4514-ish text
    std::string issuer;
    std::vector<std::string> sans;     // "DNS:a.example", "IP:10.0.0.1", "email:…", "URI:…"
    std::string key_type;              // "RSA" | "ECDSA"
    std::size_t key_bits = 0;
    std::vector<extension_info> extensions;
    std::string sha1, sha256;          // lowercase hex fingerprints of the DER
    std::string pem;
};

// Throws on a certificate that does not decode (stored certificates always do).
certificate_details describe(const std::vector<std::uint8_t>& der);

} // namespace localca::ca::admin
