// The lint's rules on the extensions: the list itself, then one check per extension a profile
// writes.
#include "ca/tbs_lint_rules.hpp"

#include <botan/hash.h>

#include <algorithm>
#include <set>

namespace localca::ca::tbs_lint_detail {

namespace {

namespace oid {
const std::string basic_constraints = "2.5.29.19";
const std::string key_usage = "2.5.29.15";
const std::string extended_key_usage = "2.5.29.37";
const std::string subject_key_id = "2.5.29.14";
const std::string authority_key_id = "2.5.29.35";
const std::string subject_alt_name = "2.5.29.17";
const std::string crl_distribution_points = "2.5.29.31";
const std::string authority_info_access = "1.3.6.1.5.5.7.1.1";
const std::string ocsp_no_check = "1.3.6.1.5.5.7.48.1.5";
} // namespace oid

// The extensions some profile of ours writes. Anything else in a TBS means an encoder or
// profile change the lint has not been taught: refuse rather than sign the unknown.
const std::set<std::string>& known_extensions() {
    static const std::set<std::string> known = {oid::basic_constraints,
                                                oid::key_usage,
                                                oid::extended_key_usage,
                                                oid::subject_key_id,
                                                oid::authority_key_id,
                                                oid::subject_alt_name,
                                                oid::crl_distribution_points,
                                                oid::authority_info_access,
                                                oid::ocsp_no_check};
    return known;
}

// The single top-level element of an extension's value.
element value_element(const extension& e, Botan::ASN1_Tag type, Botan::ASN1_Tag cls,
                      const char* what) {
    auto d = contents(e.value);
    auto o = expect(d, type, cls, what);
    d.verify_end();
    return o;
}

// keyUsage as Botan::Key_Constraints bits (digitalSignature = 0x8000 ... decipherOnly = 0x0080).
std::uint32_t decode_key_usage(const extension& e, findings& out) {
    const auto bits = value_element(e, Botan::BIT_STRING, Botan::UNIVERSAL, "keyUsage");
    const bytes v(bits.bits(), bits.length());
    if (v.size() < 2 || v.size() > 3 || v[0] > 7) {
        out.fail("keyUsage: not a BIT STRING of 1 or 2 octets");
        return 0;
    }
    const std::uint8_t last = v.back();
    // DER named bit list: no trailing zero bits, and the unused-bits count says exactly that.
    if (last == 0 || (last & ((1u << v[0]) - 1)) != 0 || (last & (1u << v[0])) == 0) {
        out.fail("keyUsage: not DER (trailing zero bits or a wrong unused-bits count)");
    }
    std::uint32_t mask = std::uint32_t(v[1]) << 8;
    if (v.size() == 3) {
        mask |= v[2];
    }
    return mask;
}

std::string key_usage_names(std::uint32_t mask) {
    static const std::pair<std::uint32_t, const char*> names[] = {
        {Botan::DIGITAL_SIGNATURE, "digitalSignature"},
        {Botan::NON_REPUDIATION, "nonRepudiation"},
        {Botan::KEY_ENCIPHERMENT, "keyEncipherment"},
        {Botan::DATA_ENCIPHERMENT, "dataEncipherment"},
        {Botan::KEY_AGREEMENT, "keyAgreement"},
        {Botan::KEY_CERT_SIGN, "keyCertSign"},
        {Botan::CRL_SIGN, "cRLSign"},
        {Botan::ENCIPHER_ONLY, "encipherOnly"},
        {Botan::DECIPHER_ONLY, "decipherOnly"}};
    std::string s;
    for (const auto& [bit, name] : names) {
        if (mask & bit) {
            // Appended in two steps: GCC 12 warns falsely on "+" + name (-Wrestrict, bug 105651).
            s += s.empty() ? "" : "+";
            s += name;
        }
    }
    return s.empty() ? "none" : s;
}

std::vector<std::uint8_t> sha1(bytes data) {
    auto h = Botan::HashFunction::create_or_throw("SHA-1");
    h->update(data.data(), data.size());
    const auto d = h->final();
    return {d.begin(), d.end()};
}

} // namespace

std::map<std::string, extension> decode_extensions(const element& explicit3, findings& out) {
    auto outer = contents(explicit3);
    auto list = expect(outer, Botan::SEQUENCE, Botan::CONSTRUCTED, "Extensions");
    outer.verify_end();
    auto d = contents(list);
    std::map<std::string, extension> result;
    if (!d.more_items()) {
        out.fail("extensions: empty list");
    }
    while (d.more_items()) {
        auto e = contents(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "Extension"));
        Botan::OID id;
        e.decode(id);
        const std::string name = id.to_string();
        extension ext;
        auto o = next(e, "extension value");
        if (o.is_a(Botan::BOOLEAN, Botan::UNIVERSAL)) {
            if (o.length() != 1 || (o.bits()[0] != 0x00 && o.bits()[0] != 0xff)) {
                out.fail("extension " + name + ": critical is not a DER BOOLEAN");
            } else if (o.bits()[0] == 0x00) {
                out.fail("extension " + name + ": critical FALSE written out (DER omits it)");
            }
            ext.critical = o.length() == 1 && o.bits()[0] != 0;
            o = next(e, "extension value");
        }
        if (!o.is_a(Botan::OCTET_STRING, Botan::UNIVERSAL)) {
            throw Botan::Decoding_Error("extension " + name + " value is not an OCTET STRING");
        }
        e.verify_end();
        ext.value = std::move(o);
        if (!known_extensions().count(name)) {
            out.fail("extension " + name + ": not one any profile writes");
        }
        if (result.count(name)) {
            out.fail("extension " + name + ": present more than once");
            continue;
        }
        result.emplace(name, std::move(ext));
    }
    return result;
}

void check_basic_constraints(const std::map<std::string, extension>& exts,
                             const certificate_profile& profile, findings& out) {
    const auto it = exts.find(oid::basic_constraints);
    if (it == exts.end()) {
        out.fail("basicConstraints: missing");
        return;
    }
    if (it->second.critical != profile.basic_constraints_critical) {
        out.fail(std::string("basicConstraints: ") +
                 (it->second.critical ? "critical, the profile says not critical"
                                      : "not critical, the profile says critical"));
    }
    auto d = contents(
        value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED, "basicConstraints"));
    while (d.more_items()) {
        const auto o = d.get_next_object();
        if (o.is_a(Botan::BOOLEAN, Botan::UNIVERSAL)) {
            out.fail(o.length() == 1 && o.bits()[0] == 0
                         ? "basicConstraints: cA FALSE written out (DER omits it)"
                         : "basicConstraints: cA TRUE in an end-entity certificate");
        } else if (o.is_a(Botan::INTEGER, Botan::UNIVERSAL)) {
            out.fail("basicConstraints: pathLenConstraint in an end-entity certificate");
        } else {
            out.fail("basicConstraints: unexpected element");
        }
    }
}

void check_key_usage(const std::map<std::string, extension>& exts,
                     const certificate_profile& profile, public_key_info::kind key, findings& out) {
    const auto it = exts.find(oid::key_usage);
    if (it == exts.end()) {
        if (profile.key_usage) {
            out.fail("keyUsage: missing, the profile asks for " +
                     key_usage_names(*profile.key_usage));
        }
        return;
    }
    const auto mask = decode_key_usage(it->second, out);
    if (!profile.key_usage) {
        out.fail("keyUsage: present, the profile has none");
    } else if (mask != static_cast<std::uint32_t>(*profile.key_usage)) {
        out.fail("keyUsage: " + key_usage_names(mask) + ", the profile asks for " +
                 key_usage_names(*profile.key_usage));
    }
    if (!it->second.critical) {
        out.fail("keyUsage: not critical");
    }
    if (mask == 0) {
        out.fail("keyUsage: no bit set");
    }
    if (mask & (Botan::KEY_CERT_SIGN | Botan::CRL_SIGN)) {
        out.fail("keyUsage: keyCertSign/cRLSign in an end-entity certificate");
    }
    if (key == public_key_info::kind::ec) {
        if (mask & Botan::KEY_ENCIPHERMENT) {
            out.fail("keyUsage: keyEncipherment on an EC key");
        }
        if (mask & Botan::DATA_ENCIPHERMENT) {
            out.fail("keyUsage: dataEncipherment on an EC key");
        }
        if (!(mask & Botan::DIGITAL_SIGNATURE)) {
            out.fail("keyUsage: no digitalSignature on an EC key");
        }
    }
    if (key == public_key_info::kind::rsa &&
        (mask & (Botan::KEY_AGREEMENT | Botan::ENCIPHER_ONLY | Botan::DECIPHER_ONLY))) {
        out.fail("keyUsage: keyAgreement/encipherOnly/decipherOnly on an RSA key");
    }
}

void check_extended_key_usage(const std::map<std::string, extension>& exts,
                              const certificate_profile& profile, findings& out) {
    const auto it = exts.find(oid::extended_key_usage);
    if (it == exts.end()) {
        if (!profile.extended_key_usage.empty()) {
            out.fail("extendedKeyUsage: missing, the profile asks for one");
        }
        return;
    }
    if (it->second.critical) {
        out.fail("extendedKeyUsage: critical");
    }
    auto d = contents(
        value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED, "extendedKeyUsage"));
    std::vector<std::string> purposes;
    while (d.more_items()) {
        Botan::OID p;
        d.decode(p);
        if (std::find(purposes.begin(), purposes.end(), p.to_string()) != purposes.end()) {
            out.fail("extendedKeyUsage: " + p.to_string() + " twice");
        }
        purposes.push_back(p.to_string());
    }
    std::vector<std::string> wanted;
    for (const auto& p : profile.extended_key_usage) {
        wanted.push_back(p.to_string());
    }
    if (purposes.empty()) {
        out.fail("extendedKeyUsage: empty");
    }
    if (purposes != wanted) {
        std::string got;
        for (const auto& p : purposes) {
            got += (got.empty() ? "" : ",") + p;
        }
        out.fail("extendedKeyUsage: " + got + " is not what the profile asks for");
    }
}

void check_key_identifiers(const std::map<std::string, extension>& exts, const public_key_info& key,
                           const Botan::X509_Certificate& issuer, findings& out) {
    if (const auto it = exts.find(oid::subject_key_id); it == exts.end()) {
        out.fail("subjectKeyIdentifier: missing");
    } else {
        if (it->second.critical) {
            out.fail("subjectKeyIdentifier: critical");
        }
        const auto id = value_element(it->second, Botan::OCTET_STRING, Botan::UNIVERSAL,
                                      "subjectKeyIdentifier");
        if (std::vector<std::uint8_t>(id.bits(), id.bits() + id.length()) != sha1(key.key_bits)) {
            out.fail("subjectKeyIdentifier: not the SHA-1 of the subjectPublicKey (RFC 5280 "
                     "method 1)");
        }
    }
    const auto it = exts.find(oid::authority_key_id);
    if (it == exts.end()) {
        out.fail("authorityKeyIdentifier: missing");
        return;
    }
    if (it->second.critical) {
        out.fail("authorityKeyIdentifier: critical");
    }
    auto d = contents(
        value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED, "authorityKeyIdentifier"));
    const auto id = d.get_next_object();
    if (!id.is_a(0, Botan::CONTEXT_SPECIFIC)) {
        out.fail("authorityKeyIdentifier: no keyIdentifier");
        return;
    }
    if (d.more_items()) {
        out.fail("authorityKeyIdentifier: issuer/serial written besides the keyIdentifier");
    }
    if (std::vector<std::uint8_t>(id.bits(), id.bits() + id.length()) != issuer.subject_key_id()) {
        out.fail("authorityKeyIdentifier: keyIdentifier is not the issuer's subjectKeyIdentifier");
    }
}

void check_subject_alt_name(const std::map<std::string, extension>& exts, bool subject_empty,
                            const certificate_profile& profile, findings& out) {
    const auto it = exts.find(oid::subject_alt_name);
    if (it == exts.end()) {
        if (subject_empty) {
            out.fail("subject: empty and no subjectAltName");
        }
        if (!profile.dns_names.empty() || !profile.ip_addresses.empty()) {
            out.fail("subjectAltName: missing, the profile names hosts");
        }
        return;
    }
    if (subject_empty && !it->second.critical) {
        out.fail("subjectAltName: not critical although the subject is empty");
    }
    check_general_names(
        contents(value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED, "subjectAltName")),
        "subjectAltName", false, out);
}

void check_crl_distribution_points(const std::map<std::string, extension>& exts, findings& out) {
    const auto it = exts.find(oid::crl_distribution_points);
    if (it == exts.end()) {
        return;
    }
    if (it->second.critical) {
        out.fail("cRLDistributionPoints: critical");
    }
    auto points = contents(
        value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED, "cRLDistributionPoints"));
    if (!points.more_items()) {
        out.fail("cRLDistributionPoints: empty");
    }
    while (points.more_items()) {
        auto dp =
            contents(expect(points, Botan::SEQUENCE, Botan::CONSTRUCTED, "DistributionPoint"));
        auto name =
            contents(expect(dp, Botan::ASN1_Tag(0), k_constructed_context, "distributionPoint"));
        dp.verify_end(); // no reasons, no cRLIssuer
        auto full = contents(expect(name, Botan::ASN1_Tag(0), k_constructed_context, "fullName"));
        name.verify_end();
        check_general_names(std::move(full), "cRLDistributionPoints", true, out);
    }
}

void check_authority_info_access(const std::map<std::string, extension>& exts, findings& out) {
    const auto it = exts.find(oid::authority_info_access);
    if (it == exts.end()) {
        return;
    }
    if (it->second.critical) {
        out.fail("authorityInfoAccess: critical");
    }
    auto list = contents(
        value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED, "authorityInfoAccess"));
    if (!list.more_items()) {
        out.fail("authorityInfoAccess: empty");
    }
    while (list.more_items()) {
        auto ad = contents(expect(list, Botan::SEQUENCE, Botan::CONSTRUCTED, "AccessDescription"));
        Botan::OID method;
        ad.decode(method);
        const auto m = method.to_string();
        if (m != "1.3.6.1.5.5.7.48.1" && m != "1.3.6.1.5.5.7.48.2") {
            out.fail("authorityInfoAccess: access method " + m + " is not ocsp or caIssuers");
        }
        check_general_name(next(ad, "accessLocation"), "authorityInfoAccess", true, out);
        ad.verify_end();
    }
}

void check_ocsp_no_check(const std::map<std::string, extension>& exts, findings& out) {
    const auto it = exts.find(oid::ocsp_no_check);
    if (it == exts.end()) {
        return;
    }
    if (it->second.critical) {
        out.fail("id-pkix-ocsp-nocheck: critical");
    }
    if (value_element(it->second, Botan::NULL_TAG, Botan::UNIVERSAL, "ocsp-nocheck").length() !=
        0) {
        out.fail("id-pkix-ocsp-nocheck: value is not NULL");
    }
}

} // namespace localca::ca::tbs_lint_detail
