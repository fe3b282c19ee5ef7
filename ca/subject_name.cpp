#include "ca/subject_name.hpp"

#include "ca/der_oid.hpp"

namespace localca::ca {

namespace {

const Botan::OID& oid_common_name() {
    static const Botan::OID o("2.5.4.3");
    return o;
}

} // namespace

// Walked with the strict reader so the bytes we copy into certificates are DER, whatever Botan's
// (BER) decoder tolerates.
void check_name_structure(const der_element& name) {
    der_reader rdns(name.value);
    while (!rdns.at_end()) {
        auto rdn = rdns.expect(0x31, "RelativeDistinguishedName");
        der_reader atvs(rdn.value);
        if (atvs.at_end()) {
            throw der_error("empty RelativeDistinguishedName");
        }
        while (!atvs.at_end()) {
            auto atv = atvs.expect(0x30, "AttributeTypeAndValue");
            der_reader parts(atv.value);
            decode_oid(parts.expect(0x06, "attribute type"));
            auto value = parts.next("attribute value");
            switch (value.tag) {
            case 0x0c: // UTF8String
            case 0x12: // NumericString
            case 0x13: // PrintableString
            case 0x14: // TeletexString
            case 0x16: // IA5String
            case 0x1a: // VisibleString
            case 0x1c: // UniversalString
            case 0x1e: // BMPString
                break;
            default:
                throw der_error("unsupported attribute value type in the subject");
            }
            parts.expect_end("attribute value");
        }
    }
}

std::optional<std::string> first_common_name(const Botan::X509_DN& dn) {
    for (const auto& [oid, value] : dn.dn_info()) {
        if (oid == oid_common_name()) {
            return value.value();
        }
    }
    return std::nullopt;
}

} // namespace localca::ca
