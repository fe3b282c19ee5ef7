#include "ca/certificate_info.hpp"

#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <map>

namespace localca::ca {

namespace {

// Keywords as Java's X500Name prints them (sun.security.x509.AVAKeyword), which is what
// Java-based CAs show; other attributes are printed by OID.
const std::map<std::string, std::string>& short_names() {
    static const std::map<std::string, std::string> names = {
        {"2.5.4.3", "CN"},
        {"2.5.4.4", "SURNAME"},
        {"2.5.4.5", "SERIALNUMBER"},
        {"2.5.4.6", "C"},
        {"2.5.4.7", "L"},
        {"2.5.4.8", "ST"},
        {"2.5.4.9", "STREET"},
        {"2.5.4.10", "O"},
        {"2.5.4.11", "OU"},
        {"2.5.4.12", "T"},
        {"2.5.4.42", "GIVENNAME"},
        {"2.5.4.43", "INITIALS"},
        {"2.5.4.44", "GENERATION"},
        {"2.5.4.46", "DNQ"},
        {"1.2.840.113549.1.9.1", "EMAILADDRESS"},
        {"0.9.2342.19200300.100.1.1", "UID"},
        {"0.9.2342.19200300.100.1.25", "DC"},
    };
    return names;
}

std::vector<dn_attribute> attributes_of(const Botan::X509_DN& dn) {
    std::vector<dn_attribute> out;
    for (const auto& [oid, value] : dn.dn_info()) {
        dn_attribute a;
        a.oid = oid.to_string();
        const auto it = short_names().find(a.oid);
        a.short_name = it == short_names().end() ? "" : it->second;
        a.value = value.value();
        out.push_back(std::move(a));
    }
    return out;
}

} // namespace

certificate_info describe_certificate(const std::vector<std::uint8_t>& der) {
    const Botan::X509_Certificate cert(der);
    return certificate_info{attributes_of(cert.subject_dn()), attributes_of(cert.issuer_dn())};
}

} // namespace localca::ca
