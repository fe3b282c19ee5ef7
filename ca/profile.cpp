#include "ca/profile.hpp"

#include "ca/tbs_lint.hpp"

#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/x509_ca.h>

#include <arpa/inet.h>
#include <optional>
#include <stdexcept>

namespace localca::ca {

namespace {

// SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1), taken from the
// SubjectPublicKeyInfo we put in the certificate, not from a re-encoding of the key object.
std::vector<std::uint8_t> key_identifier(const std::vector<std::uint8_t>& spki_der) {
    Botan::AlgorithmIdentifier alg;
    std::vector<std::uint8_t> key_bits;
    Botan::BER_Decoder(spki_der)
        .start_cons(Botan::SEQUENCE)
        .decode(alg)
        .decode(key_bits, Botan::BIT_STRING)
        .end_cons();
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(key_bits);
    const auto id = sha1->final();
    return {id.begin(), id.end()};
}

// The DER of one extension (SEQUENCE { OID, OCTET STRING value }), not critical.
std::vector<std::uint8_t> raw_extension(const char* oid, const std::vector<std::uint8_t>& value) {
    std::vector<std::uint8_t> extension;
    Botan::DER_Encoder(extension)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID(oid))
        .encode(value, Botan::OCTET_STRING)
        .end_cons();
    return extension;
}

// A cRLDistributionPoints extension with one distribution point whose fullName is the URI.
// Botan 2.19 can decode this extension but throws Not_Implemented when asked to encode it,
// hence the manual encoding.
std::vector<std::uint8_t> crl_distribution_points(const std::string& uri) {
    const auto cs = Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);
    std::vector<std::uint8_t> value;
    Botan::DER_Encoder(value)
        .start_cons(Botan::SEQUENCE)        // CRLDistributionPoints
        .start_cons(Botan::SEQUENCE)        //   DistributionPoint
        .start_cons(Botan::ASN1_Tag(0), cs) //     distributionPoint [0]
        .start_cons(Botan::ASN1_Tag(0), cs) //       fullName [0] GeneralNames
        .add_object(Botan::ASN1_Tag(6), Botan::CONTEXT_SPECIFIC,
                    reinterpret_cast<const std::uint8_t*>(uri.data()), uri.size()) // URI [6]
        .end_cons()
        .end_cons()
        .end_cons()
        .end_cons();
    return raw_extension("2.5.29.31", value);
}

// An authorityInfoAccess extension (RFC 5280 4.2.2.1): id-ad-ocsp first, then id-ad-caIssuers,
// each a uniformResourceIdentifier [6]. Hand-encoded like the CRL DP: Botan 2.19 writes only
// the OCSP entry.
std::vector<std::uint8_t> authority_info_access(const std::string& ocsp,
                                                const std::string& ca_issuers) {
    std::vector<std::uint8_t> value;
    Botan::DER_Encoder enc(value);
    enc.start_cons(Botan::SEQUENCE);
    const auto add = [&enc](const char* method, const std::string& uri) {
        enc.start_cons(Botan::SEQUENCE)
            .encode(Botan::OID(method))
            .add_object(Botan::ASN1_Tag(6), Botan::CONTEXT_SPECIFIC,
                        reinterpret_cast<const std::uint8_t*>(uri.data()), uri.size())
            .end_cons();
    };
    if (!ocsp.empty()) {
        add("1.3.6.1.5.5.7.48.1", ocsp);
    }
    if (!ca_issuers.empty()) {
        add("1.3.6.1.5.5.7.48.2", ca_issuers);
    }
    enc.end_cons();
    return raw_extension("1.3.6.1.5.5.7.1.1", value);
}

// The 4 or 16 bytes of an IPv4 / IPv6 address in text form; nullopt if it is neither.
std::optional<std::vector<std::uint8_t>> ip_bytes(const std::string& text) {
    std::uint8_t buf[16];
    if (::inet_pton(AF_INET, text.c_str(), buf) == 1) {
        return std::vector<std::uint8_t>(buf, buf + 4);
    }
    if (::inet_pton(AF_INET6, text.c_str(), buf) == 1) {
        return std::vector<std::uint8_t>(buf, buf + 16);
    }
    return std::nullopt;
}

bool valid_dns_name(const std::string& name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    for (;;) {
        const auto dot = name.find('.', start);
        const auto label = name.substr(start, dot == std::string::npos ? dot : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (const char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        if (dot == std::string::npos) {
            return true;
        }
        start = dot + 1;
    }
}

// A subjectAltName extension: dNSName [2] IA5String and iPAddress [7] OCTET STRING entries.
// Encoded here because Botan 2.19 encodes IPv4 addresses only.
std::vector<std::uint8_t> subject_alt_name(const certificate_profile& profile) {
    std::vector<std::uint8_t> names;
    Botan::DER_Encoder enc(names);
    for (const auto& dns : profile.dns_names) {
        if (!valid_dns_name(dns)) {
            throw std::invalid_argument("not a DNS name: '" + dns + "'");
        }
        enc.add_object(Botan::ASN1_Tag(2), Botan::CONTEXT_SPECIFIC,
                       reinterpret_cast<const std::uint8_t*>(dns.data()), dns.size());
    }
    for (const auto& ip : profile.ip_addresses) {
        const auto bytes = ip_bytes(ip);
        if (!bytes) {
            throw std::invalid_argument("not an IP address: '" + ip + "'");
        }
        enc.add_object(Botan::ASN1_Tag(7), Botan::CONTEXT_SPECIFIC, *bytes);
    }
    for (const auto& email : profile.emails) {
        enc.add_object(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC,
                       reinterpret_cast<const std::uint8_t*>(email.data()), email.size());
    }
    for (const auto& uri : profile.uris) {
        enc.add_object(Botan::ASN1_Tag(6), Botan::CONTEXT_SPECIFIC,
                       reinterpret_cast<const std::uint8_t*>(uri.data()), uri.size());
    }
    std::vector<std::uint8_t> value;
    Botan::DER_Encoder(value).start_cons(Botan::SEQUENCE).raw_bytes(names).end_cons();
    return raw_extension("2.5.29.17", value);
}

} // namespace

std::string expand_url_template(std::string_view url_template, std::string_view public_base_url,
                                authority_kind kind) {
    std::string_view base = public_base_url;
    while (!base.empty() && base.back() == '/') {
        base.remove_suffix(1);
    }
    std::string out;
    for (std::size_t i = 0; i < url_template.size();) {
        const char c = url_template[i];
        if (c == '}') {
            throw std::invalid_argument("URL template: unmatched '}' in '" +
                                        std::string(url_template) + "'");
        }
        if (c != '{') {
            out += c;
            ++i;
            continue;
        }
        const auto end = url_template.find('}', i);
        if (end == std::string_view::npos) {
            throw std::invalid_argument("URL template: unmatched '{' in '" +
                                        std::string(url_template) + "'");
        }
        const auto name = url_template.substr(i + 1, end - i - 1);
        if (name == "base") {
            out += base;
        } else if (name == "authority") {
            out += to_string(kind);
        } else {
            throw std::invalid_argument("URL template: unknown placeholder {" + std::string(name) +
                                        "} in '" + std::string(url_template) +
                                        "' (known: {base}, {authority})");
        }
        i = end + 1;
    }
    return out;
}

std::string crl_url(const options& opts, authority_kind kind) {
    return opts.crl_url_template.empty()
               ? std::string()
               : expand_url_template(opts.crl_url_template, opts.public_base_url, kind);
}

certificate_profile device_profile() {
    return certificate_profile{};
}

certificate_profile ocsp_responder_profile() {
    certificate_profile p;
    p.name = "ocsp-responder";
    p.basic_constraints_critical = true;
    p.key_usage = Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE);
    p.extended_key_usage = {Botan::OID("1.3.6.1.5.5.7.3.9")}; // id-kp-OCSPSigning
    p.authority_info_access = false;
    p.ocsp_no_check = true;
    return p;
}

bool valid_server_name(const std::string& name) {
    return ip_bytes(name).has_value() || valid_dns_name(name);
}

certificate_profile server_profile(const std::vector<std::string>& names) {
    if (names.empty()) {
        throw std::invalid_argument("a server certificate needs at least one name");
    }
    certificate_profile p;
    p.name = "server";
    p.basic_constraints_critical = true;
    p.key_usage = Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT);
    p.extended_key_usage = {Botan::OID("1.3.6.1.5.5.7.3.1")}; // id-kp-serverAuth
    for (const auto& name : names) {
        if (ip_bytes(name)) {
            p.ip_addresses.push_back(name);
        } else if (valid_dns_name(name)) {
            p.dns_names.push_back(name);
        } else {
            throw std::invalid_argument("not a DNS name or IP address: '" + name + "'");
        }
    }
    return p;
}

Botan::Extensions device_extensions(const authority& ca, const subject_key& sk,
                                    const std::string& crl_url) {
    return profile_extensions(ca, sk, crl_url, device_profile());
}

Botan::Extensions profile_extensions(const authority& ca, const subject_key& sk,
                                     const std::string& crl_url,
                                     const certificate_profile& profile) {
    Botan::Extensions known;
    known.add(new Botan::Cert_Extension::Basic_Constraints(false),
              profile.basic_constraints_critical);
    if (profile.key_usage) {
        known.add(new Botan::Cert_Extension::Key_Usage(*profile.key_usage), true);
    }
    if (!profile.extended_key_usage.empty()) {
        known.add(new Botan::Cert_Extension::Extended_Key_Usage(profile.extended_key_usage), false);
    }
    known.add(new Botan::Cert_Extension::Subject_Key_ID(key_identifier(sk.spki_der)), false);
    known.add(new Botan::Cert_Extension::Authority_Key_ID(ca.cert().subject_key_id()), false);

    // Botan::Extensions keeps the encoding of extensions it decoded and writes it back as is, so
    // decoding our list (the known ones plus the hand-encoded SAN and CRL DP) yields an object that
    // make_cert() encodes exactly as built here.
    std::vector<std::uint8_t> list;
    Botan::DER_Encoder(list).encode(known);
    if (!profile.dns_names.empty() || !profile.ip_addresses.empty() || !profile.emails.empty() ||
        !profile.uris.empty()) {
        const auto san = subject_alt_name(profile);
        list.insert(list.end(), san.begin(), san.end());
    }
    if (!crl_url.empty()) {
        const auto dp = crl_distribution_points(crl_url);
        list.insert(list.end(), dp.begin(), dp.end());
    }
    if (profile.authority_info_access &&
        (!profile.aia_ocsp_url.empty() || !profile.aia_ca_issuers_url.empty())) {
        const auto aia = authority_info_access(profile.aia_ocsp_url, profile.aia_ca_issuers_url);
        list.insert(list.end(), aia.begin(), aia.end());
    }
    if (profile.ocsp_no_check) {
        const auto nocheck = raw_extension("1.3.6.1.5.5.7.48.1.5", {0x05, 0x00});
        list.insert(list.end(), nocheck.begin(), nocheck.end());
    }
    std::vector<std::uint8_t> sequence;
    Botan::DER_Encoder(sequence).start_cons(Botan::SEQUENCE).raw_bytes(list).end_cons();

    Botan::Extensions extensions;
    Botan::BER_Decoder(sequence).decode(extensions).verify_end();
    return extensions;
}

std::chrono::system_clock::time_point
device_not_after(const authority& ca, std::chrono::system_clock::time_point nb, std::int64_t days) {
    const auto root_end = std::chrono::system_clock::time_point(
        std::chrono::seconds(static_cast<std::int64_t>(ca.cert().not_after().time_since_epoch())));
    if (nb >= root_end || days <= 0) {
        return std::min(nb, root_end);
    }
    // Compare in days first: days * 86400 may overflow for absurd requests.
    const auto room = std::chrono::duration_cast<std::chrono::seconds>(root_end - nb).count();
    if (days > room / 86400) {
        return root_end;
    }
    return std::min(root_end, nb + std::chrono::seconds(days * 86400));
}

std::vector<std::uint8_t> sign_certificate(const authority& ca, const subject_key& sk,
                                           const certificate_spec& spec) {
    if (spec.serial <= 0) {
        throw std::invalid_argument("certificate serial must be positive");
    }
    // The subject is decoded from subject_der here so the certificate carries exactly those
    // bytes (X509_DN re-emits what it decoded), whatever the caller did with sk.subject.
    Botan::X509_DN subject;
    Botan::BER_Decoder(sk.subject_der).decode(subject).verify_end();

    const auto nb = std::chrono::floor<std::chrono::seconds>(spec.not_before);
    const auto na = std::chrono::floor<std::chrono::seconds>(spec.not_after);
    // The TBSCertificate exactly as Botan's X509_CA::make_cert() encodes it (a unit test compares
    // the two byte for byte), signed with X509_Object::make_signed(). make_cert() would then
    // parse the signed certificate back into an X509_Certificate — every extension and name
    // decoded again — only for us to ask it for the DER we already had.
    const std::size_t v3 = 2;
    const auto& sig_algo = ca.signature_algorithm();
    const Botan::secure_vector<std::uint8_t> tbs =
        Botan::DER_Encoder()
            .start_cons(Botan::SEQUENCE)
            .start_explicit(0)
            .encode(v3)
            .end_explicit()
            .encode(Botan::BigInt(static_cast<std::uint64_t>(spec.serial)))
            .encode(sig_algo)
            .encode(ca.cert().subject_dn())
            .start_cons(Botan::SEQUENCE)
            .encode(Botan::X509_Time(nb))
            .encode(Botan::X509_Time(na))
            .end_cons()
            .encode(subject)
            .raw_bytes(sk.spki_der)
            .start_explicit(3)
            .start_cons(Botan::SEQUENCE)
            .encode(spec.extensions)
            .end_cons()
            .end_explicit()
            .end_cons()
            .get_contents();
    require_lint_clean(tbs, ca.cert(), spec.profile);
    auto der = Botan::X509_Object::make_signed(&ca.signer(), signing_rng(), sig_algo, tbs);
    require_signed_as_linted(der, tbs);
    return der;
}

} // namespace localca::ca
