// The device profile: certificates built by sign_certificate(), checked with openssl and
// python3-cryptography.
#include "authority_fixture.hpp"
#include "ca/clock.hpp"
#include "ca/csr.hpp"
#include "ca/profile.hpp"
#include "test_support.hpp"

#include <botan/ber_dec.h>
#include <botan/x509_ca.h>
#include <botan/x509cert.h>

#include <fstream>

using namespace localca;
using localca::test::must_run;
using localca::test::openssl_csr;
using localca::test::temp_dir;

namespace {

const ca::authority& root_profile(ca::authority_kind kind) {
    return test::shared_root(kind);
}

// Prints facts about a certificate issued from a CSR, one "key=value" per line.
const char* k_inspect = R"(
import sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
cert = x509.load_der_x509_certificate(open(sys.argv[1], 'rb').read())
csr = x509.load_pem_x509_csr(open(sys.argv[2], 'rb').read())
root = x509.load_pem_x509_certificate(open(sys.argv[3], 'rb').read())
print('version=%s' % cert.version.name)
print('serial=%d' % cert.serial_number)
print('same_subject=%s' % (cert.subject.public_bytes() == csr.subject.public_bytes()))
spki = lambda k: k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
print('same_key=%s' % (spki(cert.public_key()) == spki(csr.public_key())))
print('issuer_is_root_subject=%s' % (cert.issuer.public_bytes() == root.subject.public_bytes()))
nb = cert.not_valid_before.timestamp() if hasattr(cert, 'not_valid_before') else 0
na = cert.not_valid_after.timestamp()
print('not_before=%d' % nb)
print('seconds=%d' % (na - nb))
print('root_not_after=%d' % root.not_valid_after.timestamp())
print('extensions=%s' % ','.join(e.oid.dotted_string + ('!' if e.critical else '') for e in cert.extensions))
bc = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
print('ca=%s pathlen=%s' % (bc.ca, bc.path_length))
ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
print('ski_ok=%s' % (ski.digest == x509.SubjectKeyIdentifier.from_public_key(cert.public_key()).digest))
aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
rski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
print('aki_ok=%s' % (aki.key_identifier == rski.digest and aki.authority_cert_issuer is None))
dp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
print('crl=%s' % ','.join(n.value for p in dp for n in p.full_name))
)";

struct issued {
    std::filesystem::path cert;
    std::filesystem::path root;
    std::string facts;
};

issued issue(const temp_dir& dir, const std::string& stem, ca::authority_kind kind,
             const std::string& keyalg, const std::string& subj, std::int64_t days,
             const std::string& extra = "", std::int64_t serial = 42,
             const ca::certificate_profile& profile = ca::device_profile()) {
    const auto& a = root_profile(kind);
    const auto pem = openssl_csr(dir.path(), stem, keyalg, subj, "sha256", extra);
    auto sk = ca::check_csr(pem, kind);
    BOOST_REQUIRE_MESSAGE(sk.ok(), (sk.ok() ? "" : sk.err().detail));
    ca::certificate_spec spec;
    spec.serial = serial;
    spec.not_before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    spec.not_after = ca::device_not_after(a, spec.not_before, days);
    ca::options opts;
    opts.public_base_url = "http://127.0.0.1:8080/";
    opts.crl_url_template = "{base}/enos/CA/crl/{authority}"; // the server's default
    spec.extensions = ca::profile_extensions(a, sk.value(), ca::crl_url(opts, kind), profile);
    spec.profile = profile;
    const auto der = ca::sign_certificate(a, sk.value(), spec);

    issued out;
    out.cert = dir / (stem + ".crt.der");
    out.root = dir / (std::string(a.name()) + "-root.pem");
    std::ofstream(out.cert, std::ios::binary)
        .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
    std::ofstream(out.root) << a.cert_pem();
    std::ofstream(dir / "cert_facts.py") << k_inspect;
    out.facts =
        must_run("python3 -W ignore " + (dir / "cert_facts.py").string() + " " + out.cert.string() +
                 " " + (dir / (stem + ".csr")).string() + " " + out.root.string());
    return out;
}

bool has(const std::string& text, const std::string& what) {
    const bool found = text.find(what) != std::string::npos;
    if (!found) {
        BOOST_TEST_MESSAGE("missing \"" << what << "\" in:\n" << text);
    }
    return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_profile)

// sign_certificate() encodes the TBSCertificate itself instead of calling X509_CA::make_cert()
// (which parses the result back). RSA PKCS#1 v1.5 signatures are deterministic, so the two
// must produce the same certificate byte for byte, for both authorities' kinds of subject key.
BOOST_AUTO_TEST_CASE(same_bytes_as_botan_make_cert) {
    temp_dir dir;
    const auto& a = root_profile(ca::authority_kind::rsa);
    int n = 0;
    for (const std::string subj : {"/C=CN/O=Acme/CN=dev1", "/CN=x/OU=a+OU=b"}) {
        const auto pem =
            openssl_csr(dir.path(), localca::test::numbered("m", n++), "rsa2048", subj);
        auto sk = ca::check_csr(pem, ca::authority_kind::rsa);
        BOOST_REQUIRE(sk.ok());
        for (const std::int64_t days : {1, 730, 100000}) { // the last is clamped to the root
            ca::certificate_spec spec;
            spec.serial = 4242 + days;
            spec.not_before =
                std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            spec.not_after = ca::device_not_after(a, spec.not_before, days);
            spec.extensions =
                ca::profile_extensions(a, sk.value(), "http://ca.example/", ca::device_profile());
            const auto ours = ca::sign_certificate(a, sk.value(), spec);
            Botan::X509_DN subject;
            Botan::BER_Decoder(sk->subject_der).decode(subject);
            const auto botan = Botan::X509_CA::make_cert(
                &a.signer(), ca::thread_rng(),
                Botan::BigInt(static_cast<std::uint64_t>(spec.serial)), a.signature_algorithm(),
                sk->spki_der, Botan::X509_Time(spec.not_before), Botan::X509_Time(spec.not_after),
                a.cert().subject_dn(), subject, spec.extensions);
            BOOST_CHECK(ours == botan.BER_encode());
        }
    }
}

BOOST_AUTO_TEST_CASE(rsa_device_certificate) {
    temp_dir dir;
    const auto c = issue(dir, "d", ca::authority_kind::rsa, "rsa2048", "/C=CN/O=Acme/CN=dev1", 730);
    BOOST_CHECK(
        has(must_run("openssl verify -CAfile " + c.root.string() + " " + c.cert.string()), ": OK"));
    const auto f = c.facts;
    BOOST_CHECK(has(f, "version=v3"));
    BOOST_CHECK(has(f, "serial=42\n"));
    BOOST_CHECK(has(f, "same_subject=True"));
    BOOST_CHECK(has(f, "same_key=True"));
    BOOST_CHECK(has(f, "issuer_is_root_subject=True"));
    BOOST_CHECK(has(f, "seconds=63072000\n")); // 730 * 86400
    // Exactly BC (not critical), SKI, AKI, CRL DP, in any order.
    BOOST_CHECK(has(f, "extensions=2.5.29.14,2.5.29.19,2.5.29.31,2.5.29.35\n"));
    BOOST_CHECK(has(f, "ca=False pathlen=None"));
    BOOST_CHECK(has(f, "ski_ok=True"));
    BOOST_CHECK(has(f, "aki_ok=True"));
    BOOST_CHECK(has(f, "crl=http://127.0.0.1:8080/enos/CA/crl/RSA\n"));
    const auto text = must_run("openssl x509 -inform DER -in " + c.cert.string() + " -noout -text");
    BOOST_CHECK(has(text, "Signature Algorithm: sha256WithRSAEncryption"));
    BOOST_CHECK(has(text, "X509v3 Basic Constraints: \n                CA:FALSE"));
}

BOOST_AUTO_TEST_CASE(ecc_device_certificate) {
    temp_dir dir;
    const auto c = issue(dir, "d", ca::authority_kind::ecc, "p256", "/CN=ecdev/O=Acme", 1, "", 7);
    BOOST_CHECK(
        has(must_run("openssl verify -CAfile " + c.root.string() + " " + c.cert.string()), ": OK"));
    BOOST_CHECK(has(c.facts, "serial=7\n"));
    BOOST_CHECK(has(c.facts, "same_subject=True"));
    BOOST_CHECK(has(c.facts, "seconds=86400\n"));
    BOOST_CHECK(has(c.facts, "crl=http://127.0.0.1:8080/enos/CA/crl/ECC\n"));
    BOOST_CHECK(has(c.facts, "extensions=2.5.29.14,2.5.29.19,2.5.29.31,2.5.29.35\n"));
    const auto text = must_run("openssl x509 -inform DER -in " + c.cert.string() + " -noout -text");
    BOOST_CHECK(has(text, "Signature Algorithm: ecdsa-with-SHA256"));
}

BOOST_AUTO_TEST_CASE(csr_extensions_are_ignored) {
    temp_dir dir;
    const auto c = issue(dir, "evil", ca::authority_kind::rsa, "rsa2048", "/CN=evil", 30,
                         "-addext basicConstraints=critical,CA:TRUE "
                         "-addext keyUsage=critical,keyCertSign,cRLSign "
                         "-addext subjectAltName=DNS:example.com");
    BOOST_CHECK(has(c.facts, "ca=False pathlen=None"));
    BOOST_CHECK(has(c.facts, "extensions=2.5.29.14,2.5.29.19,2.5.29.31,2.5.29.35\n"));
    const auto text = must_run("openssl x509 -inform DER -in " + c.cert.string() + " -noout -text");
    BOOST_CHECK(text.find("Key Usage") == std::string::npos);
    BOOST_CHECK(text.find("CA:TRUE") == std::string::npos);
    BOOST_CHECK(text.find("example.com") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(subject_copied_verbatim) {
    temp_dir dir;
    const auto a =
        issue(dir, "a", ca::authority_kind::rsa, "rsa2048",
              "/C=CN/ST=Shanghai/O=EnOS \xc3\xa9/CN=dev/OU=x/emailAddress=a@b", 5, "-utf8");
    BOOST_CHECK(has(a.facts, "same_subject=True"));
    const auto b = issue(dir, "b", ca::authority_kind::ecc, "p256",
                         "/CN=dev+O=acme/C=US/serialNumber=123", 5, "-multivalue-rdn");
    BOOST_CHECK(has(b.facts, "same_subject=True"));
    const auto c = issue(dir, "c", ca::authority_kind::ecc, "p256", "/O=no common name", 5);
    BOOST_CHECK(has(c.facts, "same_subject=True"));
}

BOOST_AUTO_TEST_CASE(validity_clamped_to_root) {
    temp_dir dir;
    const auto c = issue(dir, "long", ca::authority_kind::ecc, "p256", "/CN=long", 100000);
    auto value = [&](const std::string& key) {
        const auto p = c.facts.find(key + "=");
        return std::stoll(c.facts.substr(p + key.size() + 1));
    };
    BOOST_CHECK_EQUAL(value("not_before") + value("seconds"), value("root_not_after"));

    // Absurd numbers of days do not overflow.
    const auto& a = root_profile(ca::authority_kind::rsa);
    const auto nb = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto root_end = std::chrono::system_clock::time_point(
        std::chrono::seconds(a.cert().not_after().time_since_epoch()));
    BOOST_CHECK(ca::device_not_after(a, nb, INT64_MAX) == root_end);
    BOOST_CHECK(ca::device_not_after(a, nb, 3651) == root_end);
    BOOST_CHECK(ca::device_not_after(a, nb, 1) == nb + std::chrono::seconds(86400));
}

BOOST_AUTO_TEST_CASE(renewal_subject_key_from_certificate) {
    temp_dir dir;
    const auto c = issue(dir, "r", ca::authority_kind::rsa, "rsa2048", "/CN=dev+O=acme/C=US", 5,
                         "-multivalue-rdn");
    const Botan::X509_Certificate cert(c.cert.string());
    auto sk = ca::subject_key_of(cert, ca::authority_kind::rsa);
    BOOST_REQUIRE(sk.ok());
    const auto pem = localca::test::read_file(dir / "r.csr");
    auto from_csr = ca::check_csr(pem, ca::authority_kind::rsa);
    BOOST_REQUIRE(from_csr.ok());
    BOOST_CHECK(sk->subject_der == from_csr->subject_der);
    BOOST_CHECK(sk->spki_der == from_csr->spki_der);
    BOOST_CHECK(sk->spki_sha256 == from_csr->spki_sha256);
    BOOST_CHECK(sk->cn == from_csr->cn);
    BOOST_CHECK(sk->key_kind == from_csr->key_kind);
    BOOST_CHECK(ca::subject_key_of(cert, ca::authority_kind::ecc).err().code ==
                ca::errc::key_not_allowed);
}

BOOST_AUTO_TEST_CASE(server_certificate_for_tls) {
    temp_dir dir;
    const auto profile = ca::server_profile({"localhost", "127.0.0.1", "::1", "ca.example.test"});
    const auto c =
        issue(dir, "srv", ca::authority_kind::rsa, "rsa2048", "/CN=localhost", 30, "", 43, profile);
    // openssl checks what a TLS client checks: chain, purpose (EKU, key usage), name / address.
    const std::string verify = "openssl verify -CAfile " + c.root.string() + " -purpose sslserver ";
    for (const auto* check : {"-verify_hostname localhost", "-verify_hostname ca.example.test",
                              "-verify_ip 127.0.0.1", "-verify_ip ::1"}) {
        BOOST_CHECK(has(must_run(verify + check + " " + c.cert.string()), ": OK"));
    }
    for (const auto* check : {"-verify_hostname other.example.test", "-verify_ip 127.0.0.2"}) {
        BOOST_CHECK(localca::test::run(verify + check + " " + c.cert.string()).status != 0);
    }
    BOOST_CHECK(localca::test::run("openssl verify -CAfile " + c.root.string() +
                                   " -purpose sslclient " + c.cert.string())
                    .status != 0);
    // BC (critical), KU (critical), EKU, SAN, SKI, AKI, CRL DP.
    BOOST_CHECK(has(c.facts, "extensions=2.5.29.14,2.5.29.15!,2.5.29.17,2.5.29.19!,2.5.29.31,"
                             "2.5.29.35,2.5.29.37\n"));
    BOOST_CHECK(has(c.facts, "ca=False pathlen=None"));
    const auto text = must_run("openssl x509 -inform DER -in " + c.cert.string() + " -noout -text");
    BOOST_CHECK(has(text, "Digital Signature, Key Encipherment\n"));
    BOOST_CHECK(has(text, "TLS Web Server Authentication\n"));
}

BOOST_AUTO_TEST_CASE(server_names) {
    for (const auto* good : {"localhost", "127.0.0.1", "::1", "fe80::1", "a-b.example.test",
                             "xn--bcher-kva.example", "0a.b"}) {
        BOOST_CHECK_MESSAGE(ca::valid_server_name(good), good);
    }
    for (const auto* bad : {"", "local host", "-a.example", "a-.example", "a..b", "a.", ".a",
                            "*.example.test", "a_b.example", "1.2.3.4/8", "[::1]"}) {
        BOOST_CHECK_MESSAGE(!ca::valid_server_name(bad), bad);
    }
    BOOST_CHECK(!ca::valid_server_name(std::string(64, 'a')));
    BOOST_CHECK(ca::valid_server_name(std::string(63, 'a')));
    const auto p = ca::server_profile({"10.0.0.1", "host", "2001:db8::2"});
    BOOST_CHECK(p.dns_names == std::vector<std::string>{"host"});
    BOOST_CHECK((p.ip_addresses == std::vector<std::string>{"10.0.0.1", "2001:db8::2"}));
    BOOST_CHECK_EQUAL(p.name, "server");
    BOOST_CHECK_THROW(ca::server_profile({}), std::invalid_argument);
    BOOST_CHECK_THROW(ca::server_profile({"ok", "not ok"}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(crl_urls) {
    ca::options opts;
    BOOST_CHECK_EQUAL(ca::crl_url(opts, ca::authority_kind::rsa), ""); // no template: no CRL DP
    opts.public_base_url = "http://127.0.0.1:8080";
    opts.crl_url_template = "{base}/enos/CA/crl/{authority}";
    BOOST_CHECK_EQUAL(ca::crl_url(opts, ca::authority_kind::rsa),
                      "http://127.0.0.1:8080/enos/CA/crl/RSA");
    opts.public_base_url = "https://ca.example.com/";
    opts.crl_url_template = "{base}/crl/{authority}.crl";
    BOOST_CHECK_EQUAL(ca::crl_url(opts, ca::authority_kind::ecc),
                      "https://ca.example.com/crl/ECC.crl");
    BOOST_CHECK_EQUAL(
        ca::expand_url_template("http://fixed/crl", "http://x", ca::authority_kind::rsa),
        "http://fixed/crl");
    for (const char* bad : {"{base}/{serial}", "{base}/crl/{authority", "{base}}/x"}) {
        BOOST_CHECK_THROW(ca::expand_url_template(bad, "http://x", ca::authority_kind::rsa),
                          std::invalid_argument);
    }
}

// An empty CRL URL (template "") leaves the CRL distribution point out; nothing else changes.
BOOST_AUTO_TEST_CASE(no_crl_url_no_distribution_point) {
    temp_dir dir;
    const auto& a = root_profile(ca::authority_kind::rsa);
    const auto pem = openssl_csr(dir.path(), "n", "rsa2048", "/CN=nodp");
    auto sk = ca::check_csr(pem, ca::authority_kind::rsa);
    BOOST_REQUIRE(sk.ok());
    const auto with = ca::device_extensions(a, sk.value(), "http://h/crl");
    const auto without = ca::device_extensions(a, sk.value(), "");
    BOOST_CHECK(with.extension_set(Botan::OID::from_string("2.5.29.31")));
    BOOST_CHECK(!without.extension_set(Botan::OID::from_string("2.5.29.31")));
    BOOST_CHECK(without.extension_set(Botan::OID::from_string("2.5.29.35")));
}

BOOST_AUTO_TEST_SUITE_END()
