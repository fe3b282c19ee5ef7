// The pre-signature lint: TBSCertificates built by hand here (not by profile.cpp, whose encoder
// the lint checks), one rule broken at a time; and the engine refusing an issuance whose profile
// is broken on purpose.
#include "authority_fixture.hpp"
#include "ca/clock.hpp"
#include "ca/csr.hpp"
#include "ca/engine.hpp"
#include "ca/generated_key.hpp"
#include "ca/lab_fixture.hpp"
#include "ca/tbs_lint.hpp"
#include "engine_fixture.hpp"
#include "storage/audit_repository.hpp"
#include "storage/certificate_repository.hpp"
#include "test_support.hpp"

#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include "storage/connection.hpp"

using namespace localca;
using localca::test::openssl_csr;
using localca::test::temp_dir;
using bytes = std::vector<std::uint8_t>;

namespace {

const ca::authority& root_tbs_lint(ca::authority_kind kind) {
    return test::shared_root(kind);
}

// A subject key: the SPKI of a fresh P-256 key or of a cached RSA-2048 key.
bytes spki(ca::authority_kind kind) {
    static const bytes rsa = [] {
        const auto sk = ca::subject_key_of_key(Botan::RSA_PrivateKey(ca::thread_rng(), 2048),
                                               ca::authority_kind::rsa, "x");
        return sk.spki_der;
    }();
    if (kind == ca::authority_kind::rsa) {
        return rsa;
    }
    const Botan::ECDSA_PrivateKey key(ca::thread_rng(), Botan::EC_Group("secp256r1"));
    return Botan::X509::BER_encode(key);
}

bytes key_bits(const bytes& spki_der) {
    Botan::AlgorithmIdentifier alg;
    bytes bits;
    Botan::BER_Decoder(spki_der)
        .start_cons(Botan::SEQUENCE)
        .decode(alg)
        .decode(bits, Botan::BIT_STRING)
        .end_cons();
    return bits;
}

bytes sha1(const bytes& data) {
    auto h = Botan::HashFunction::create_or_throw("SHA-1");
    h->update(data);
    const auto d = h->final();
    return {d.begin(), d.end()};
}

// One Extension TLV.
bytes ext(const char* oid, bool critical, const bytes& value) {
    bytes out;
    Botan::DER_Encoder enc(out);
    enc.start_cons(Botan::SEQUENCE).encode(Botan::OID(oid));
    if (critical) {
        enc.encode(true);
    }
    enc.encode(value, Botan::OCTET_STRING).end_cons();
    return out;
}

// A TLV with an explicit tag byte and a DER (minimal) length of up to 65535.
bytes tlv(std::uint8_t tag, const bytes& value) {
    bytes out{tag};
    if (value.size() < 128) {
        out.push_back(static_cast<std::uint8_t>(value.size()));
    } else if (value.size() < 256) {
        out.push_back(0x81);
        out.push_back(static_cast<std::uint8_t>(value.size()));
    } else {
        out.push_back(0x82);
        out.push_back(static_cast<std::uint8_t>(value.size() >> 8));
        out.push_back(static_cast<std::uint8_t>(value.size()));
    }
    out.insert(out.end(), value.begin(), value.end());
    return out;
}

bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const auto& p : parts) {
        out.insert(out.end(), p.begin(), p.end());
    }
    return out;
}

bytes str(const std::string& s) {
    return bytes(s.begin(), s.end());
}

bytes seq(const bytes& contents) {
    return tlv(0x30, contents);
}

// A Name with one RDN per attribute: {OID, tag, value}.
struct attribute {
    const char* oid;
    std::uint8_t tag;
    bytes value;
};
bytes name(const std::vector<attribute>& attrs) {
    bytes rdns;
    for (const auto& a : attrs) {
        bytes oid;
        Botan::DER_Encoder(oid).encode(Botan::OID(a.oid));
        const auto rdn = tlv(0x31, seq(cat({oid, tlv(a.tag, a.value)})));
        rdns.insert(rdns.end(), rdn.begin(), rdn.end());
    }
    return seq(rdns);
}

bytes oid_der(const char* oid) {
    bytes out;
    Botan::DER_Encoder(out).encode(Botan::OID(oid));
    return out;
}

const std::uint8_t k_utf8 = 0x0c, k_printable = 0x13, k_ia5 = 0x16;

// Every field of a TBSCertificate as DER, good by default for the issuer and key kind; tests
// break one and encode().
struct tbs_parts {
    explicit tbs_parts(ca::authority_kind kind, ca::authority_kind key_kind)
        : issuer(root_tbs_lint(kind)), key(spki(key_kind)) {
        signature = seq(kind == ca::authority_kind::rsa
                            ? cat({oid_der("1.2.840.113549.1.1.11"), bytes{0x05, 0x00}})
                            : oid_der("1.2.840.10045.4.3.2"));
        const auto& raw = issuer.cert().raw_subject_dn();
        issuer_name.assign(raw.begin(), raw.end());
        const auto nb = issuer.cert().not_before().time_since_epoch() + 60;
        not_before = time(nb);
        not_after = time(nb + 86400);
        subject =
            name({{"2.5.4.3", k_utf8, str("device-1")}, {"2.5.4.10", k_printable, str("Org")}});
        extensions[bc] = ext("2.5.29.19", false, seq({}));
        extensions[ski] = ext("2.5.29.14", false, tlv(0x04, sha1(key_bits(key))));
        extensions[aki] = ext("2.5.29.35", false, seq(tlv(0x80, issuer.cert().subject_key_id())));
        extensions[crl] =
            ext("2.5.29.31", false,
                seq(seq(tlv(0xa0, tlv(0xa0, tlv(0x86, str("http://127.0.0.1:8080/crl/RSA")))))));
    }

    static bytes time(std::uint64_t unix_seconds) {
        bytes out;
        Botan::DER_Encoder(out).encode(Botan::X509_Time(std::chrono::system_clock::time_point(
            std::chrono::seconds(static_cast<std::int64_t>(unix_seconds)))));
        return out;
    }

    // The server profile's keyUsage / extendedKeyUsage / subjectAltName, and its profile.
    void as_tls_server(Botan::Key_Constraints ku, bytes ku_der) {
        profile.key_usage = ku;
        profile.extended_key_usage = {Botan::OID("1.3.6.1.5.5.7.3.1")};
        profile.dns_names = {"localhost"};
        extensions[key_usage] = ext("2.5.29.15", true, ku_der);
        extensions[eku] = ext("2.5.29.37", false, seq(oid_der("1.3.6.1.5.5.7.3.1")));
        extensions[san] = ext("2.5.29.17", false,
                              seq(cat({tlv(0x82, str("localhost")), tlv(0x87, {127, 0, 0, 1})})));
    }

    bytes encode() const {
        bytes list;
        for (const auto& e : extensions) {
            list.insert(list.end(), e.begin(), e.end());
        }
        bytes fields = cat({version, tlv(0x02, serial), signature, issuer_name,
                            seq(cat({not_before, not_after})), subject, key});
        if (!list.empty()) {
            const auto x = tlv(0xa3, seq(list));
            fields.insert(fields.end(), x.begin(), x.end());
        }
        return seq(fields);
    }

    std::vector<std::string> lint() const { return ca::lint_tbs(encode(), issuer.cert(), profile); }

    enum slot { bc, ski, aki, crl, key_usage, eku, san, slots };
    const ca::authority& issuer;
    bytes key;
    bytes version = {0xa0, 0x03, 0x02, 0x01, 0x02};
    bytes serial = {0x2a};
    bytes signature, issuer_name, not_before, not_after, subject;
    std::vector<bytes> extensions = std::vector<bytes>(slots);
    ca::certificate_profile profile = ca::device_profile();
};

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& l : v) {
        s += l + "\n";
    }
    return s;
}

// The lint found `what` (and, so that one broken rule is not hidden among others, only findings
// that mention `area`).
void check_refused(const tbs_parts& t, const std::string& what, const std::string& area = "") {
    const auto found = t.lint();
    bool hit = false;
    for (const auto& f : found) {
        hit = hit || f.find(what) != std::string::npos;
        if (!area.empty()) {
            BOOST_CHECK_MESSAGE(f.find(area) != std::string::npos, "unrelated finding: " << f);
        }
    }
    BOOST_CHECK_MESSAGE(hit, "expected \"" << what << "\" among:\n" << joined(found));
}

void check_passes(const tbs_parts& t) {
    const auto found = t.lint();
    BOOST_CHECK_MESSAGE(found.empty(), "unexpected findings:\n" << joined(found));
}

const auto rsa = ca::authority_kind::rsa;
const auto ecc = ca::authority_kind::ecc;

bytes ku_bits(std::uint8_t unused, std::initializer_list<std::uint8_t> octets) {
    bytes v{unused};
    v.insert(v.end(), octets);
    return tlv(0x03, v);
}

} // namespace

BOOST_AUTO_TEST_SUITE(tbs_lint)

BOOST_AUTO_TEST_CASE(good_tbs_pass) {
    check_passes(tbs_parts(rsa, rsa));
    check_passes(tbs_parts(ecc, ecc));
    tbs_parts server(rsa, rsa);
    // digitalSignature + keyEncipherment: 0xa0, five unused bits
    server.as_tls_server(Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT),
                         ku_bits(5, {0xa0}));
    check_passes(server);
    tbs_parts ec_server(ecc, ecc);
    ec_server.as_tls_server(Botan::DIGITAL_SIGNATURE, ku_bits(7, {0x80}));
    check_passes(ec_server);
    // An empty subject with a critical subjectAltName is fine.
    tbs_parts nameless(rsa, rsa);
    nameless.subject = seq({});
    nameless.extensions[tbs_parts::san] = ext("2.5.29.17", true, seq(tlv(0x82, str("a.example"))));
    check_passes(nameless);
    // An AIA (OCSP and caIssuers URIs) and id-pkix-ocsp-nocheck are extensions profiles write.
    tbs_parts aia(rsa, rsa);
    aia.extensions.push_back(ext(
        "1.3.6.1.5.5.7.1.1", false,
        seq(cat(
            {seq(cat({oid_der("1.3.6.1.5.5.7.48.1"), tlv(0x86, str("http://h:1/ocsp"))})),
             seq(cat({oid_der("1.3.6.1.5.5.7.48.2"), tlv(0x86, str("http://h:1/ca.crt"))}))}))));
    aia.extensions.push_back(ext("1.3.6.1.5.5.7.48.1.5", false, bytes{0x05, 0x00}));
    check_passes(aia);
    // A 20-octet serial is the limit.
    tbs_parts big(rsa, rsa);
    big.serial = bytes(20, 0x7f);
    check_passes(big);
}

BOOST_AUTO_TEST_CASE(version_must_be_3) {
    tbs_parts v1(rsa, rsa);
    v1.version.clear();
    check_refused(v1, "version: absent (v1)", "version");
    tbs_parts v2(rsa, rsa);
    v2.version = {0xa0, 0x03, 0x02, 0x01, 0x01};
    check_refused(v2, "version: 2, not 3", "version");
}

BOOST_AUTO_TEST_CASE(serial_positive_at_most_20_octets) {
    tbs_parts t(rsa, rsa);
    t.serial = {0x80};
    check_refused(t, "serialNumber: negative", "serialNumber");
    t.serial = {0x00};
    check_refused(t, "serialNumber: zero", "serialNumber");
    t.serial = bytes(21, 0x11);
    check_refused(t, "21 octets, at most 20", "serialNumber");
    t.serial = {0x00, 0x11};
    check_refused(t, "not minimally encoded", "serialNumber");
}

BOOST_AUTO_TEST_CASE(validity_inside_the_issuers) {
    const auto nb = root_tbs_lint(rsa).cert().not_before().time_since_epoch();
    const auto na = root_tbs_lint(rsa).cert().not_after().time_since_epoch();
    tbs_parts early(rsa, rsa);
    early.not_before = tbs_parts::time(nb - 1);
    check_refused(early, "notBefore is before the issuer's notBefore", "validity");
    // A lab fixture (ca/lab_fixture.hpp) may start before its root; nothing else about it.
    tbs_parts fixture(rsa, rsa);
    fixture.profile.name = std::string(ca::k_lab_fixture_profile);
    fixture.not_before = tbs_parts::time(nb - 400 * 86400);
    BOOST_CHECK(fixture.lint().empty());
    fixture.not_after = tbs_parts::time(na + 1);
    check_refused(fixture, "notAfter is after the issuer's notAfter", "validity");
    tbs_parts late(rsa, rsa);
    late.not_after = tbs_parts::time(na + 1);
    check_refused(late, "notAfter is after the issuer's notAfter", "validity");
    tbs_parts reversed(rsa, rsa);
    std::swap(reversed.not_before, reversed.not_after);
    check_refused(reversed, "notBefore is not before notAfter", "validity");
    tbs_parts generalized(rsa, rsa);
    const auto utc = generalized.not_after; // 17 0d YYMMDDHHMMSSZ
    bytes g{0x18, 0x0f, '2', '0'};
    g.insert(g.end(), utc.begin() + 2, utc.end());
    generalized.not_after = g;
    check_refused(generalized, "GeneralizedTime before 2050", "notAfter");
    tbs_parts bad(rsa, rsa);
    bad.not_before = tlv(0x17, str("991332000000Z"));
    check_refused(bad, "notBefore: not a valid date and time", "notBefore");
}

BOOST_AUTO_TEST_CASE(key_identifiers) {
    tbs_parts no_ski(rsa, rsa);
    no_ski.extensions[tbs_parts::ski].clear();
    check_refused(no_ski, "subjectKeyIdentifier: missing", "subjectKeyIdentifier");
    tbs_parts other_method(rsa, rsa);
    // SHA-1 of the whole SPKI: not RFC 5280 method 1.
    other_method.extensions[tbs_parts::ski] =
        ext("2.5.29.14", false, tlv(0x04, sha1(other_method.key)));
    check_refused(other_method, "not the SHA-1 of the subjectPublicKey", "subjectKeyIdentifier");
    tbs_parts wrong_aki(rsa, rsa);
    wrong_aki.extensions[tbs_parts::aki] =
        ext("2.5.29.35", false, seq(tlv(0x80, root_tbs_lint(ecc).cert().subject_key_id())));
    check_refused(wrong_aki, "not the issuer's subjectKeyIdentifier", "authorityKeyIdentifier");
    tbs_parts no_aki(rsa, rsa);
    no_aki.extensions[tbs_parts::aki].clear();
    check_refused(no_aki, "authorityKeyIdentifier: missing", "authorityKeyIdentifier");
}

BOOST_AUTO_TEST_CASE(basic_constraints_as_the_profile_says) {
    tbs_parts missing(rsa, rsa);
    missing.extensions[tbs_parts::bc].clear();
    check_refused(missing, "basicConstraints: missing", "basicConstraints");
    tbs_parts critical(rsa, rsa);
    critical.extensions[tbs_parts::bc] = ext("2.5.29.19", true, seq({}));
    check_refused(critical, "critical, the profile says not critical", "basicConstraints");
    tbs_parts ca_true(rsa, rsa);
    ca_true.extensions[tbs_parts::bc] = ext("2.5.29.19", false, seq(bytes{0x01, 0x01, 0xff}));
    check_refused(ca_true, "cA TRUE in an end-entity certificate", "basicConstraints");
    tbs_parts server(rsa, rsa);
    server.profile.basic_constraints_critical = true;
    check_refused(server, "not critical, the profile says critical", "basicConstraints");
}

BOOST_AUTO_TEST_CASE(key_usage_consistent_with_key_and_profile) {
    tbs_parts ec(ecc, ecc);
    ec.as_tls_server(Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT),
                     ku_bits(5, {0xa0}));
    check_refused(ec, "keyEncipherment on an EC key", "keyUsage");
    tbs_parts ec_data(ecc, ecc);
    ec_data.as_tls_server(
        Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::DATA_ENCIPHERMENT),
        ku_bits(4, {0x90}));
    check_refused(ec_data, "dataEncipherment on an EC key", "keyUsage");
    tbs_parts ec_no_ds(ecc, ecc);
    ec_no_ds.as_tls_server(Botan::KEY_AGREEMENT, ku_bits(3, {0x08}));
    check_refused(ec_no_ds, "no digitalSignature on an EC key", "keyUsage");

    tbs_parts other(rsa, rsa);
    other.as_tls_server(Botan::DIGITAL_SIGNATURE, ku_bits(5, {0xa0}));
    check_refused(other, "the profile asks for digitalSignature", "keyUsage");
    tbs_parts not_critical(rsa, rsa);
    not_critical.as_tls_server(Botan::DIGITAL_SIGNATURE, ku_bits(7, {0x80}));
    not_critical.extensions[tbs_parts::key_usage] = ext("2.5.29.15", false, ku_bits(7, {0x80}));
    check_refused(not_critical, "keyUsage: not critical", "keyUsage");
    tbs_parts not_der(rsa, rsa);
    not_der.as_tls_server(Botan::DIGITAL_SIGNATURE, ku_bits(0, {0x80}));
    check_refused(not_der, "keyUsage: not DER", "keyUsage");
    tbs_parts unasked(rsa, rsa);
    unasked.extensions[tbs_parts::key_usage] = ext("2.5.29.15", true, ku_bits(7, {0x80}));
    check_refused(unasked, "keyUsage: present, the profile has none", "keyUsage");
    tbs_parts ca_bits(rsa, rsa);
    ca_bits.as_tls_server(Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_CERT_SIGN),
                          ku_bits(5, {0x84}));
    check_refused(ca_bits, "keyCertSign/cRLSign in an end-entity certificate", "keyUsage");
}

BOOST_AUTO_TEST_CASE(extended_key_usage_as_the_profile_says) {
    tbs_parts t(rsa, rsa);
    t.as_tls_server(Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT),
                    ku_bits(5, {0xa0}));
    t.extensions[tbs_parts::eku] = ext("2.5.29.37", false, seq(oid_der("1.3.6.1.5.5.7.3.2")));
    check_refused(t, "1.3.6.1.5.5.7.3.2 is not what the profile asks for", "extendedKeyUsage");
    t.extensions[tbs_parts::eku].clear();
    check_refused(t, "extendedKeyUsage: missing", "extendedKeyUsage");
    t.extensions[tbs_parts::eku] = ext("2.5.29.37", true, seq(oid_der("1.3.6.1.5.5.7.3.1")));
    check_refused(t, "extendedKeyUsage: critical", "extendedKeyUsage");
}

BOOST_AUTO_TEST_CASE(no_duplicate_or_unknown_extension) {
    tbs_parts dup(rsa, rsa);
    dup.extensions.push_back(dup.extensions[tbs_parts::ski]);
    check_refused(dup, "2.5.29.14: present more than once", "2.5.29.14");
    tbs_parts unknown(rsa, rsa);
    unknown.extensions.push_back(ext("1.2.3.4", false, bytes{0x05, 0x00}));
    check_refused(unknown, "1.2.3.4: not one any profile writes", "1.2.3.4");
    tbs_parts explicit_false(rsa, rsa);
    explicit_false.extensions[tbs_parts::bc] =
        seq(cat({oid_der("2.5.29.19"), bytes{0x01, 0x01, 0x00}, tlv(0x04, seq({}))}));
    check_refused(explicit_false, "critical FALSE written out", "2.5.29.19");
    tbs_parts none(rsa, rsa);
    none.extensions.clear();
    check_refused(none, "extensions: missing");
}

BOOST_AUTO_TEST_CASE(empty_subject_needs_a_critical_san) {
    tbs_parts t(rsa, rsa);
    t.subject = seq({});
    check_refused(t, "subject: empty and no subjectAltName", "subject");
    t.extensions[tbs_parts::san] = ext("2.5.29.17", false, seq(tlv(0x82, str("a.example"))));
    check_refused(t, "not critical although the subject is empty", "subjectAltName");
}

BOOST_AUTO_TEST_CASE(name_strings_well_formed) {
    const std::vector<std::pair<std::vector<attribute>, std::string>> cases = {
        {{{"2.5.4.3", k_printable, str("a@b")}}, "outside the PrintableString alphabet"},
        {{{"2.5.4.3", k_utf8, bytes{'a', 0xc0, 0x80}}}, "not valid UTF-8"},       // overlong NUL
        {{{"2.5.4.3", k_utf8, bytes{'a', 0xed, 0xa0, 0x80}}}, "not valid UTF-8"}, // surrogate
        {{{"2.5.4.3", k_utf8, bytes{'a', 0x00, 'b'}}}, "contains NUL"},
        {{{"2.5.4.3", k_utf8, str(std::string(65, 'x'))}}, "65 characters, at most 64"},
        {{{"2.5.4.3", k_utf8, {}}}, "empty value"},
        {{{"2.5.4.6", k_printable, str("DEU")}}, "not 2 characters"},
        {{{"1.2.840.113549.1.9.1", k_utf8, str("a@b.c")}}, "must be an IA5String"},
        {{{"2.5.4.3", 0x04, str("x")}}, "not a directory string type"},
        {{{"2.5.4.3", 0x1e, bytes{0x00, 'a', 0x00}}}, "BMPString of an odd length"},
    };
    for (const auto& [attrs, what] : cases) {
        BOOST_TEST_CONTEXT(what) {
            tbs_parts t(rsa, rsa);
            t.subject = name(attrs);
            check_refused(t, what, "subject");
            // lint_name() says the same on the Name alone: the engine's early refusal.
            const auto alone = ca::lint_name(t.subject);
            BOOST_CHECK(!alone.empty() && alone.front().find(what) != std::string::npos);
        }
    }
    // 64 UTF-8 characters of two octets each are within the bound (characters, not octets).
    std::string e_acute;
    for (int i = 0; i < 64; ++i) {
        e_acute += "\xc3\xa9";
    }
    BOOST_CHECK(ca::lint_name(name({{"2.5.4.3", k_utf8, str(e_acute)}})).empty());
    BOOST_CHECK(ca::lint_name(name({{"2.5.4.6", k_printable, str("DE")},
                                    {"1.2.840.113549.1.9.1", k_ia5, str("a@b.c")}}))
                    .empty());
}

BOOST_AUTO_TEST_CASE(san_entries_well_formed) {
    const std::vector<std::pair<bytes, std::string>> cases = {
        {tlv(0x82, str("bad_name.example")), "is not a host name"},
        {tlv(0x82, str("*.example")), "is not a host name"},
        {tlv(0x82, str("-a.example")), "is not a host name"},
        {tlv(0x82, str(std::string(64, 'a') + ".example")), "is not a host name"},
        {tlv(0x87, {1, 2, 3, 4, 5}), "iPAddress of 5 octets"},
        {tlv(0x81, str("no-at-sign.example")), "is not an e-mail address"},
        {tlv(0x81, str("a..b@example.com")), "is not an e-mail address"},
        {tlv(0x86, str("http://")), "is not well formed"},
        {tlv(0x86, str("no scheme")), "is not well formed"},
        {tlv(0xa4, seq({})), "a kind no profile writes"},
    };
    for (const auto& [entry, what] : cases) {
        BOOST_TEST_CONTEXT(what) {
            tbs_parts t(rsa, rsa);
            t.extensions[tbs_parts::san] = ext("2.5.29.17", false, seq(entry));
            check_refused(t, what, "subjectAltName");
        }
    }
    tbs_parts good(rsa, rsa);
    good.extensions[tbs_parts::san] =
        ext("2.5.29.17", false,
            seq(cat({tlv(0x82, str("a-1.example.com")), tlv(0x87, bytes(16, 0x20)),
                     tlv(0x81, str("first.last+tag@example.com")),
                     tlv(0x86, str("urn:uuid:0e0f6b4c-0000-4000-8000-000000000000"))})));
    check_passes(good);
    tbs_parts bad_crl(rsa, rsa);
    bad_crl.extensions[tbs_parts::crl] =
        ext("2.5.29.31", false, seq(seq(tlv(0xa0, tlv(0xa0, tlv(0x82, str("host.example")))))));
    check_refused(bad_crl, "dNSName \"host.example\" is not a host name", "cRLDistributionPoints");
}

BOOST_AUTO_TEST_CASE(signature_algorithm_matches_the_issuer_key) {
    tbs_parts ecdsa_on_rsa(rsa, rsa);
    ecdsa_on_rsa.signature = seq(oid_der("1.2.840.10045.4.3.2"));
    check_refused(ecdsa_on_rsa, "which the issuer's RSA key makes", "signature");
    tbs_parts rsa_on_ec(ecc, ecc);
    rsa_on_ec.signature = seq(cat({oid_der("1.2.840.113549.1.1.11"), bytes{0x05, 0x00}}));
    check_refused(rsa_on_ec, "which the issuer's EC key makes", "signature");
    tbs_parts sha1(rsa, rsa);
    sha1.signature = seq(cat({oid_der("1.2.840.113549.1.1.5"), bytes{0x05, 0x00}}));
    check_refused(sha1, "is not sha256/384/512WithRSAEncryption", "signature");
    tbs_parts absent(rsa, rsa);
    absent.signature = seq(oid_der("1.2.840.113549.1.1.11"));
    check_refused(absent, "RSA algorithm parameters must be NULL", "signature");
    tbs_parts ec_params(ecc, ecc);
    ec_params.signature = seq(cat({oid_der("1.2.840.10045.4.3.2"), bytes{0x05, 0x00}}));
    check_refused(ec_params, "ECDSA algorithm parameters must be absent", "signature");
}

BOOST_AUTO_TEST_CASE(issuer_name_and_garbage) {
    tbs_parts t(rsa, rsa);
    t.issuer_name = name({{"2.5.4.3", k_utf8, str("someone else")}});
    check_refused(t, "issuer: not the issuer certificate's subject", "issuer");
    const bytes garbage{0x30, 0x03, 0x02, 0x01};
    const auto found = ca::lint_tbs(garbage, root_tbs_lint(rsa).cert(), ca::device_profile());
    BOOST_REQUIRE_EQUAL(found.size(), 1u);
    BOOST_CHECK(found.front().find("not decodable") != std::string::npos);
}

// What sign_certificate() signs is what was linted: a certificate around other TBS bytes, or with
// an outer signatureAlgorithm other than the TBS's, is refused.
BOOST_AUTO_TEST_CASE(signed_certificate_carries_the_linted_tbs) {
    const auto& a = root_tbs_lint(rsa);
    auto sk = ca::subject_key_of_key(Botan::RSA_PrivateKey(ca::thread_rng(), 2048),
                                     ca::authority_kind::rsa, "dev");
    ca::certificate_spec spec;
    spec.serial = 7;
    spec.not_before = std::chrono::system_clock::now();
    spec.not_after = spec.not_before + std::chrono::hours(24);
    spec.extensions = ca::profile_extensions(a, sk, "http://127.0.0.1:1/", spec.profile);
    const auto der = ca::sign_certificate(a, sk, spec);
    Botan::BER_Decoder d(der);
    Botan::BER_Object cert = d.get_next_object();
    Botan::BER_Decoder body(cert.bits(), cert.length());
    const auto tbs_obj = body.get_next_object();
    bytes tbs;
    Botan::DER_Encoder(tbs).add_object(tbs_obj.type(), tbs_obj.get_class(), tbs_obj.bits(),
                                       tbs_obj.length());
    BOOST_CHECK(ca::lint_tbs(tbs, a.cert(), spec.profile).empty());
    BOOST_CHECK_NO_THROW(ca::require_signed_as_linted(der, tbs));

    auto other = tbs;
    other.back() ^= 1;
    BOOST_CHECK_THROW(ca::require_signed_as_linted(der, other), ca::lint_failure);
    // Same TBS, but the outer signatureAlgorithm says SHA-384.
    auto swapped = der;
    const auto alg = cat({oid_der("1.2.840.113549.1.1.11")});
    const auto at = std::search(swapped.begin() + static_cast<std::ptrdiff_t>(tbs.size()),
                                swapped.end(), alg.begin(), alg.end());
    BOOST_REQUIRE(at != swapped.end());
    *(at + static_cast<std::ptrdiff_t>(alg.size()) - 1) = 12;
    BOOST_CHECK_THROW(ca::require_signed_as_linted(swapped, tbs), ca::lint_failure);

    // A profile that does not match the extensions: sign_certificate() refuses to sign.
    spec.profile.key_usage = Botan::DIGITAL_SIGNATURE;
    BOOST_CHECK_THROW(ca::sign_certificate(a, sk, spec), ca::lint_failure);
}

// A profile broken on purpose (keyEncipherment for an EC key): the engine refuses with
// errc::internal, stores no certificate, and the audit chain records the refusal.
BOOST_AUTO_TEST_CASE(engine_refuses_a_broken_profile) {
    const test::scoped_env passphrase("LOCALCA_CA_PASSPHRASE", "lint-test-passphrase");
    {
        test::engine_fixture f;
        auto& dir = f.dir;
        auto& store = *f.store;
        auto& eng = *f.engine;

        auto sk = ca::check_csr(openssl_csr(dir.path(), "ec", "p256", "/CN=lint-ec"),
                                ca::authority_kind::ecc);
        BOOST_REQUIRE(sk.ok());
        ca::issue_request req;
        req.authority = ca::authority_kind::ecc;
        req.subject = sk.value();
        req.valid_days = 30;
        req.audit.actor = "lint-test";
        req.profile.name = "broken";
        req.profile.key_usage =
            Botan::Key_Constraints(Botan::DIGITAL_SIGNATURE | Botan::KEY_ENCIPHERMENT);
        auto r = eng.issue_sync(req);
        BOOST_REQUIRE(!r.ok());
        BOOST_CHECK(r.err().code == ca::errc::internal);
        BOOST_CHECK_MESSAGE(r.err().detail.find("keyEncipherment on an EC key") !=
                                std::string::npos,
                            r.err().detail);

        {
            // Scoped: a stepped statement would hold the reader's snapshot open.
            storage::statement_handle count(store.reader(), "SELECT COUNT(*) FROM certificates");
            BOOST_REQUIRE(count->step());
            BOOST_CHECK_EQUAL(count->get_int64(0), 0);
        }
        const auto last = storage::last_audit_row(store.reader());
        BOOST_REQUIRE(last);
        BOOST_CHECK_EQUAL(last->action, "lint-refused");
        BOOST_CHECK_EQUAL(last->outcome, "refused");
        BOOST_CHECK_EQUAL(last->actor, "lint-test");
        BOOST_REQUIRE(last->cert_sn);
        BOOST_CHECK(!eng.find_certificate(*last->cert_sn));

        // The same request with the profile mended is issued: the refusal was the profile's.
        req.profile.key_usage = Botan::DIGITAL_SIGNATURE;
        auto ok = eng.issue_sync(req);
        BOOST_REQUIRE_MESSAGE(ok.ok(), (ok.ok() ? "" : ok.err().detail));
        BOOST_CHECK(eng.find_certificate(ok->sn));

        // A notBefore before the root's is the caller's error, not a lint refusal.
        req.not_before = std::chrono::system_clock::time_point(std::chrono::seconds(
            static_cast<std::int64_t>(
                eng.get(ca::authority_kind::ecc).cert().not_before().time_since_epoch()) -
            3600));
        auto early = eng.issue_sync(req);
        BOOST_REQUIRE(!early.ok());
        BOOST_CHECK(early.err().code == ca::errc::not_before_invalid);
    }
}

BOOST_AUTO_TEST_SUITE_END()
