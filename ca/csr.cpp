#include "ca/csr.hpp"

#include "ca/authority.hpp"
#include "ca/fingerprint.hpp"
#include "ca/rsa_verify.hpp"

#include <botan/asn1_obj.h>
#include <botan/base64.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace localca::ca {

namespace {

using bytes = std::span<const std::uint8_t>;

// Far above any real CSR (an RSA-4096 request with a long subject is under 2 KiB); bounds the
// work an attacker can make us do before anything is checked.
constexpr std::size_t k_max_csr_size = 64 * 1024;

// Thrown inside this file only, for input that is not a well-formed DER CertificationRequest;
// converted to errc::csr_malformed at the API boundary.
class malformed : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct der_element {
    std::uint8_t tag = 0;
    bytes whole; // tag, length and value
    bytes value;
};

// A strict DER TLV walker: definite, minimal lengths and low tag numbers only. We use it for the
// structure of the request so that every slice we keep (info, subject, key) is exactly the bytes
// the requester signed, and so that a subject copied verbatim into a certificate is valid DER.
class der_reader {
public:
    explicit der_reader(bytes data) : m_data(data) {}

    bool at_end() const { return m_pos == m_data.size(); }

    der_element next(const char* what) {
        const std::size_t start = m_pos;
        if (m_data.size() - m_pos < 2) {
            throw malformed(std::string("truncated ") + what);
        }
        const std::uint8_t tag = m_data[m_pos++];
        if ((tag & 0x1f) == 0x1f) {
            throw malformed(std::string("unsupported high tag number in ") + what);
        }
        std::size_t length = m_data[m_pos++];
        if (length == 0x80) {
            throw malformed(std::string("indefinite length in ") + what);
        }
        if (length > 0x80) {
            const std::size_t count = length & 0x7f;
            if (count > 4 || m_data.size() - m_pos < count) {
                throw malformed(std::string("bad length in ") + what);
            }
            length = 0;
            for (std::size_t i = 0; i < count; ++i) {
                length = (length << 8) | m_data[m_pos++];
            }
            // DER: the shortest form, so the same value has only one encoding.
            if (length < 0x80 || m_data[m_pos - count] == 0) {
                throw malformed(std::string("non-minimal length in ") + what);
            }
        }
        if (m_data.size() - m_pos < length) {
            throw malformed(std::string("truncated ") + what);
        }
        der_element e;
        e.tag = tag;
        e.value = m_data.subspan(m_pos, length);
        m_pos += length;
        e.whole = m_data.subspan(start, m_pos - start);
        return e;
    }

    der_element expect(std::uint8_t tag, const char* what) {
        auto e = next(what);
        if (e.tag != tag) {
            throw malformed(std::string("unexpected element where ") + what + " was expected");
        }
        return e;
    }

    void expect_end(const char* what) {
        if (!at_end()) {
            throw malformed(std::string("unexpected data after ") + what);
        }
    }

private:
    bytes m_data;
    std::size_t m_pos = 0;
};

std::vector<std::uint8_t> to_vector(bytes b) {
    return {b.begin(), b.end()};
}

Botan::OID decode_oid(const der_element& e) {
    // Botan 2.19 ignores the continuation bit of the last byte, so two encodings would give the
    // same OID; DER allows one: last byte without it, no component starting with 0x80.
    const bytes v = e.value;
    if (v.empty() || (v.back() & 0x80) != 0) {
        throw malformed("invalid object identifier");
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const bool starts_component = i == 0 || (v[i - 1] & 0x80) == 0;
        if (starts_component && v[i] == 0x80) {
            throw malformed("invalid object identifier");
        }
    }
    Botan::OID oid;
    Botan::BER_Decoder dec(e.whole.data(), e.whole.size());
    oid.decode_from(dec);
    return oid;
}

struct algorithm {
    Botan::OID oid;
    std::optional<der_element> params;
};

algorithm decode_algorithm(const der_element& seq, const char* what) {
    der_reader r(seq.value);
    algorithm a;
    a.oid = decode_oid(r.expect(0x06, what));
    if (!r.at_end()) {
        a.params = r.next(what);
    }
    r.expect_end(what);
    return a;
}

// Constants of the policy, and names for the ones we mention in error details.
const Botan::OID& oid_rsa() {
    static const Botan::OID o("1.2.840.113549.1.1.1");
    return o;
}
const Botan::OID& oid_ec_public_key() {
    static const Botan::OID o("1.2.840.10045.2.1");
    return o;
}
const Botan::OID& oid_p256() {
    static const Botan::OID o("1.2.840.10045.3.1.7");
    return o;
}
const Botan::OID& oid_sha256_with_rsa() {
    static const Botan::OID o("1.2.840.113549.1.1.11");
    return o;
}
const Botan::OID& oid_ecdsa_with_sha256() {
    static const Botan::OID o("1.2.840.10045.4.3.2");
    return o;
}
const Botan::OID& oid_common_name() {
    static const Botan::OID o("2.5.4.3");
    return o;
}

std::string oid_name(const Botan::OID& oid) {
    struct entry {
        const char* oid;
        const char* name;
    };
    static const entry names[] = {
        {"1.2.840.113549.1.1.1", "RSA"},
        {"1.2.840.113549.1.1.4", "md5WithRSAEncryption"},
        {"1.2.840.113549.1.1.5", "sha1WithRSAEncryption"},
        {"1.2.840.113549.1.1.10", "RSASSA-PSS"},
        {"1.2.840.113549.1.1.11", "sha256WithRSAEncryption"},
        {"1.2.840.113549.1.1.12", "sha384WithRSAEncryption"},
        {"1.2.840.113549.1.1.13", "sha512WithRSAEncryption"},
        {"1.2.840.113549.1.1.14", "sha224WithRSAEncryption"},
        {"1.2.840.10045.2.1", "EC"},
        {"1.2.840.10045.4.1", "ecdsa-with-SHA1"},
        {"1.2.840.10045.4.3.1", "ecdsa-with-SHA224"},
        {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256"},
        {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384"},
        {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512"},
        {"1.2.840.10045.3.1.7", "P-256 (secp256r1)"},
        {"1.3.132.0.34", "P-384 (secp384r1)"},
        {"1.3.132.0.35", "P-521 (secp521r1)"},
        {"1.3.132.0.10", "secp256k1"},
        {"1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"},
        {"1.2.840.10040.4.1", "DSA"},
        {"1.3.101.112", "Ed25519"},
        {"1.3.101.113", "Ed448"},
        {"1.2.156.10197.1.501", "SM2-with-SM3"},
    };
    const std::string dotted = oid.to_string();
    for (const auto& e : names) {
        if (dotted == e.oid) {
            return e.name;
        }
    }
    return "algorithm " + dotted;
}

error key_refused(std::string detail) {
    return make_error(errc::key_not_allowed, "key not allowed", std::move(detail));
}

error csr_error(errc code, std::string detail) {
    const char* message = code == errc::csr_signature_invalid ? "CSR signature is invalid"
                          : code == errc::signature_algorithm_not_allowed
                              ? "signature algorithm not allowed"
                              : "malformed CSR";
    return make_error(code, message, std::move(detail));
}

// Checks the key algorithm of a SubjectPublicKeyInfo before Botan builds a key from it, so an
// unsupported algorithm is reported as such rather than as a parse failure.
std::optional<error> check_key_algorithm(const algorithm& alg, authority_kind kind) {
    if (kind == authority_kind::rsa) {
        if (alg.oid != oid_rsa()) {
            std::string what = oid_name(alg.oid);
            if (alg.oid == oid_ec_public_key() && alg.params && alg.params->tag == 0x06) {
                what += " " + oid_name(decode_oid(*alg.params));
            }
            return key_refused("CSR key is " + what + "; the RSA authority requires RSA-2048");
        }
        if (alg.params && !(alg.params->tag == 0x05 && alg.params->value.empty())) {
            throw malformed("unexpected RSA key parameters");
        }
        return std::nullopt;
    }
    if (alg.oid != oid_ec_public_key()) {
        return key_refused("CSR key is " + oid_name(alg.oid) +
                           "; the ECC authority requires EC P-256 (secp256r1)");
    }
    // Named curves only: explicit curve parameters are a known source of validation bugs.
    if (!alg.params || alg.params->tag != 0x06) {
        return key_refused("EC key without a named curve; the ECC authority requires P-256 "
                           "(secp256r1)");
    }
    const Botan::OID curve = decode_oid(*alg.params);
    if (curve != oid_p256()) {
        return key_refused("EC key is on " + oid_name(curve) +
                           "; the ECC authority requires P-256 (secp256r1)");
    }
    return std::nullopt;
}

std::optional<error> check_signature_algorithm(const algorithm& alg, authority_kind kind) {
    const bool rsa = kind == authority_kind::rsa;
    const Botan::OID& wanted = rsa ? oid_sha256_with_rsa() : oid_ecdsa_with_sha256();
    if (alg.oid != wanted) {
        return csr_error(errc::signature_algorithm_not_allowed,
                         "CSR is signed with " + oid_name(alg.oid) + "; the " + to_string(kind) +
                             " authority requires " + oid_name(wanted));
    }
    // RFC 4055: NULL (or, tolerated, absent) for RSA; RFC 5758: absent for ECDSA.
    if (alg.params) {
        const bool null_params = alg.params->tag == 0x05 && alg.params->value.empty();
        if (!rsa || !null_params) {
            throw malformed("unexpected signature algorithm parameters");
        }
    }
    return std::nullopt;
}

// Subject Name: SEQUENCE OF SET OF SEQUENCE { OID, string }. Walked with the strict reader so
// the bytes we copy into certificates are DER, whatever Botan's (BER) decoder tolerates.
void check_name_structure(const der_element& name) {
    der_reader rdns(name.value);
    while (!rdns.at_end()) {
        auto rdn = rdns.expect(0x31, "RelativeDistinguishedName");
        der_reader atvs(rdn.value);
        if (atvs.at_end()) {
            throw malformed("empty RelativeDistinguishedName");
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
                throw malformed("unsupported attribute value type in the subject");
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

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// PEM (either label, LF or CRLF) or DER to DER.
std::vector<std::uint8_t> to_der(std::string_view in) {
    std::size_t start = 0;
    while (start < in.size() && is_space(in[start])) {
        ++start;
    }
    const std::string_view text = in.substr(start);
    if (text.substr(0, 11) != "-----BEGIN ") {
        if (in.empty() || static_cast<std::uint8_t>(in[0]) != 0x30) {
            throw malformed("neither a PEM nor a DER certificate request");
        }
        return {in.begin(), in.end()};
    }
    std::string_view label;
    for (std::string_view l : {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}) {
        const std::string begin = "-----BEGIN " + std::string(l) + "-----";
        if (text.substr(0, begin.size()) == begin) {
            label = l;
        }
    }
    if (label.empty()) {
        throw malformed("PEM block is not a CERTIFICATE REQUEST");
    }
    const std::size_t body_start = 11 + label.size() + 5;
    const std::string end = "-----END " + std::string(label) + "-----";
    const std::size_t body_end = text.find(end, body_start);
    if (body_end == std::string_view::npos) {
        throw malformed("PEM END line missing");
    }
    for (std::size_t i = body_end + end.size(); i < text.size(); ++i) {
        if (!is_space(text[i])) {
            throw malformed("unexpected data after the PEM block");
        }
    }
    const std::string_view body = text.substr(body_start, body_end - body_start);
    try {
        const auto der = Botan::base64_decode(body.data(), body.size(), true);
        return {der.begin(), der.end()};
    } catch (const std::exception&) {
        throw malformed("invalid base64 in the PEM block");
    }
}

struct parsed_request {
    der_element info;
    der_element subject;
    der_element spki;
    algorithm key_algorithm;
    algorithm signature_algorithm;
    bytes signature;
    bytes public_key; // the subjectPublicKey BIT STRING's bits (after the unused-bits byte)
};

parsed_request parse_request(bytes der) {
    der_reader top(der);
    auto request = top.expect(0x30, "CertificationRequest");
    top.expect_end("CertificationRequest");

    der_reader r(request.value);
    parsed_request p;
    p.info = r.expect(0x30, "CertificationRequestInfo");
    p.signature_algorithm =
        decode_algorithm(r.expect(0x30, "signatureAlgorithm"), "signatureAlgorithm");
    auto signature = r.expect(0x03, "signature");
    r.expect_end("signature");
    if (signature.value.empty() || signature.value[0] != 0) {
        throw malformed("signature BIT STRING has unused bits");
    }
    p.signature = signature.value.subspan(1);

    der_reader info(p.info.value);
    auto version = info.expect(0x02, "version");
    if (version.value.size() != 1 || version.value[0] != 0) {
        throw malformed("unsupported CSR version");
    }
    p.subject = info.expect(0x30, "subject");
    p.spki = info.expect(0x30, "subjectPKInfo");
    if (!info.at_end()) {
        info.expect(0xa0, "attributes"); // ignored: nothing of a request's attributes is used
    }
    info.expect_end("attributes");

    der_reader spki(p.spki.value);
    p.key_algorithm = decode_algorithm(spki.expect(0x30, "key algorithm"), "key algorithm");
    auto key_bits = spki.expect(0x03, "subjectPublicKey");
    spki.expect_end("subjectPublicKey");
    if (key_bits.value.empty() || key_bits.value[0] != 0) {
        throw malformed("public key BIT STRING has unused bits");
    }
    p.public_key = key_bits.value.subspan(1);
    check_name_structure(p.subject);
    return p;
}

// Thrown inside this file when the request's key is outside the authority's policy; converted
// to errc::key_not_allowed at the API boundary.
struct key_policy_refusal {
    std::string detail;
};

// RSA keys are decoded into plain numbers, not a Botan key object (see rsa_verify.hpp).
rsa_public_numbers rsa_key_of(const parsed_request& p) {
    rsa_key_check key;
    try {
        key = decode_rsa_public_key(p.public_key);
    } catch (const std::invalid_argument&) {
        throw malformed("invalid public key");
    }
    if (!key.key) {
        throw key_policy_refusal{key.refusal};
    }
    return std::move(*key.key);
}

std::unique_ptr<Botan::Public_Key> ecc_key_of(const std::vector<std::uint8_t>& spki_der) {
    std::unique_ptr<Botan::Public_Key> key;
    try {
        key.reset(Botan::X509::load_key(spki_der));
    } catch (const std::exception&) {
        throw malformed("invalid public key");
    }
    if (!key) {
        throw malformed("invalid public key");
    }
    if (auto st = check_key(*key, authority_kind::ecc); !st) {
        throw key_policy_refusal{st.err().detail};
    }
    return key;
}

bool verify_ecdsa(const Botan::Public_Key& key, const parsed_request& p) {
    try {
        Botan::PK_Verifier verifier(key, "EMSA1(SHA-256)", Botan::DER_SEQUENCE);
        return verifier.verify_message(p.info.whole.data(), p.info.whole.size(), p.signature.data(),
                                       p.signature.size());
    } catch (const std::exception&) {
        return false; // e.g. a signature that is not canonical DER
    }
}

result<subject_key> check_csr_der(bytes der, authority_kind kind) {
    const parsed_request p = parse_request(der);

    if (auto refused = check_key_algorithm(p.key_algorithm, kind)) {
        return *refused;
    }

    subject_key sk;
    {
        Botan::BER_Decoder dec(p.subject.whole.data(), p.subject.whole.size());
        sk.subject.decode_from(dec);
    }
    sk.subject_der = to_vector(p.subject.whole);
    sk.cn = first_common_name(sk.subject);
    sk.spki_der = to_vector(p.spki.whole);

    // Key policy first, then the signature algorithm, then the proof of possession.
    const bool rsa = kind == authority_kind::rsa;
    std::optional<rsa_public_numbers> rsa_key;
    std::unique_ptr<Botan::Public_Key> ecc_key;
    if (rsa) {
        rsa_key = rsa_key_of(p);
    } else {
        ecc_key = ecc_key_of(sk.spki_der);
    }
    if (auto refused = check_signature_algorithm(p.signature_algorithm, kind)) {
        return *refused;
    }
    const bool valid = rsa ? verify_rsa_pkcs1_sha256(*rsa_key, p.info.whole, p.signature)
                           : verify_ecdsa(*ecc_key, p);
    if (!valid) {
        return csr_error(errc::csr_signature_invalid,
                         "the CSR signature does not verify with its public key");
    }

    sk.key_kind = kind;
    sk.spki_sha256 = sha256(sk.spki_der);
    return sk;
}

} // namespace

result<subject_key> check_csr(std::string_view pem_or_der, authority_kind kind) {
    if (pem_or_der.size() > k_max_csr_size) {
        return csr_error(errc::csr_malformed, "the CSR is larger than 64 KiB");
    }
    try {
        const auto der = to_der(pem_or_der);
        return check_csr_der(der, kind);
    } catch (const malformed& e) {
        return csr_error(errc::csr_malformed, e.what());
    } catch (const key_policy_refusal& r) {
        return key_refused(r.detail);
    } catch (const Botan::Exception&) {
        // Botan's decoders (OID, DN strings) refusing part of the request.
        return csr_error(errc::csr_malformed, "the CSR is not a valid PKCS#10 request");
    }
}

status check_key(const Botan::Public_Key& key, authority_kind kind) {
    if (kind == authority_kind::rsa) {
        const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key);
        if (rsa == nullptr) {
            return key_refused("key is " + key.algo_name() +
                               "; the RSA authority requires RSA-2048");
        }
        const std::size_t bits = rsa->get_n().bits();
        if (bits != 2048) {
            return key_refused("RSA key is " + std::to_string(bits) +
                               " bits; the RSA authority requires 2048");
        }
        const auto& e = rsa->get_e();
        if (e < 3 || e.is_even() || rsa->get_n().is_even()) {
            return key_refused("RSA public key is invalid (bad exponent or modulus)");
        }
        return success();
    }
    const auto* ec = dynamic_cast<const Botan::ECDSA_PublicKey*>(&key);
    if (ec == nullptr || key.algo_name() != "ECDSA") {
        return key_refused("key is " + key.algo_name() +
                           "; the ECC authority requires EC P-256 (secp256r1)");
    }
    const Botan::OID& curve = ec->domain().get_curve_oid();
    if (curve != oid_p256()) {
        const std::string name = curve.empty() ? "explicit curve parameters" : oid_name(curve);
        return key_refused("EC key is on " + name +
                           "; the ECC authority requires P-256 (secp256r1)");
    }
    return success();
}

result<subject_key> subject_key_of(const Botan::X509_Certificate& cert, authority_kind kind) {
    const std::unique_ptr<const Botan::Public_Key> key(cert.load_subject_public_key());
    if (auto st = check_key(*key, kind); !st) {
        return st.err();
    }
    subject_key sk;
    sk.subject = cert.subject_dn();
    // A decoded X509_DN re-emits the bytes it was decoded from.
    Botan::DER_Encoder(sk.subject_der).encode(sk.subject);
    sk.cn = first_common_name(sk.subject);
    sk.spki_der = cert.subject_public_key_info();
    sk.spki_sha256 = sha256(sk.spki_der);
    sk.key_kind = kind;
    return sk;
}

subject_key subject_key_for(const Botan::RSA_PrivateKey& key, const std::string& cn) {
    subject_key sk;
    Botan::X509_DN dn;
    dn.add_attribute(Botan::OID("2.5.4.3"), Botan::ASN1_String(cn, Botan::UTF8_STRING));
    Botan::DER_Encoder(sk.subject_der).encode(dn);
    sk.subject = dn;
    sk.cn = cn;
    const Botan::RSA_PublicKey public_key(key.get_n(), key.get_e());
    sk.spki_der = Botan::X509::BER_encode(public_key);
    sk.spki_sha256 = sha256(sk.spki_der);
    sk.key_kind = authority_kind::rsa;
    return sk;
}

} // namespace localca::ca
