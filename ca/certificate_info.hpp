#pragma once
// A decoded view of a stored certificate, for personalities that describe certificates in their
// own format (e.g. Java X500Name-style DN strings) without touching Botan themselves.
#include <cstdint>
#include <string>
#include <vector>

namespace localca::ca {

struct dn_attribute {
    std::string oid;        // dotted, e.g. "2.5.4.3"
    std::string short_name; // "CN", "O", "OU", "L", "ST", "C", "EMAILADDRESS", ... or "" if none
    std::string value;      // UTF-8
};

struct certificate_info {
    std::vector<dn_attribute> subject; // in DER order (first RDN first)
    std::vector<dn_attribute> issuer;
};

// Throws on a certificate that does not decode (stored certificates always do).
certificate_info describe_certificate(const std::vector<std::uint8_t>& der);

} // namespace localca::ca
