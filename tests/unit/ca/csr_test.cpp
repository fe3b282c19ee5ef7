// check_csr(): parsing, policy and proof of possession, against CSRs made by the openssl CLI.
#include "ca/csr.hpp"
#include "test_support.hpp"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/x509_key.h>

#include <string>
#include <vector>

using namespace localca;
using localca::test::must_run;
using localca::test::openssl_csr;
using localca::test::temp_dir;

namespace {

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

// Hex DER of the CSR's subject / SubjectPublicKeyInfo, as python3-cryptography sees it.
std::string py_csr_field(const std::filesystem::path& csr, const std::string& field) {
    const std::string expr = field == "subject"
                                 ? "r.subject.public_bytes()"
                                 : "r.public_key().public_bytes(serialization.Encoding.DER, "
                                   "serialization.PublicFormat.SubjectPublicKeyInfo)";
    return trim(must_run("python3 -c \"import sys; from cryptography import x509; "
                         "from cryptography.hazmat.primitives import serialization; "
                         "r = x509.load_pem_x509_csr(open(sys.argv[1], 'rb').read()); "
                         "print((" +
                         expr + ").hex())\" " + csr.string()));
}

std::vector<std::uint8_t> pem_to_der(const temp_dir& dir, const std::string& stem) {
    must_run("openssl req -in " + (dir / (stem + ".csr")).string() + " -outform DER -out " +
             (dir / (stem + ".der")).string());
    const std::string s = localca::test::read_file(dir / (stem + ".der"));
    return {s.begin(), s.end()};
}

std::string as_string(const std::vector<std::uint8_t>& v) {
    return {v.begin(), v.end()};
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) {
        s.replace(p, from.size(), to);
    }
    return s;
}

void require_error(const ca::result<ca::subject_key>& r, ca::errc code,
                   const std::string& detail_part = "") {
    BOOST_REQUIRE_MESSAGE(!r.ok(), "expected " << ca::to_string(code) << ", got success");
    BOOST_CHECK_MESSAGE(r.err().code == code, "expected " << ca::to_string(code) << ", got "
                                                          << ca::to_string(r.err().code) << ": "
                                                          << r.err().detail);
    if (!detail_part.empty()) {
        BOOST_CHECK_MESSAGE(r.err().detail.find(detail_part) != std::string::npos,
                            "detail \"" << r.err().detail << "\" lacks \"" << detail_part << "\"");
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_csr)

BOOST_AUTO_TEST_CASE(rsa2048_accepted_with_exact_subject_and_key) {
    temp_dir dir;
    const auto pem = openssl_csr(dir.path(), "a", "rsa2048", "/C=CN/O=Acme/CN=dev1");
    auto r = ca::check_csr(pem, ca::authority_kind::rsa);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().detail));
    BOOST_CHECK(r->cn == std::optional<std::string>("dev1"));
    BOOST_CHECK_EQUAL(Botan::hex_encode(r->subject_der, false),
                      py_csr_field(dir / "a.csr", "subject"));
    BOOST_CHECK_EQUAL(Botan::hex_encode(r->spki_der, false), py_csr_field(dir / "a.csr", "spki"));
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    BOOST_CHECK(Botan::unlock(sha->process(r->spki_der)) == r->spki_sha256);
    BOOST_CHECK(r->key_kind == ca::authority_kind::rsa);
    const std::unique_ptr<Botan::Public_Key> key(Botan::X509::load_key(r->spki_der));
    BOOST_CHECK_EQUAL(key->algo_name(), "RSA");
    BOOST_CHECK_EQUAL(r->subject.get_first_attribute("CN"), "dev1");
}

BOOST_AUTO_TEST_CASE(p256_accepted) {
    temp_dir dir;
    const auto pem = openssl_csr(dir.path(), "e", "p256", "/O=Acme/CN=ecdev");
    auto r = ca::check_csr(pem, ca::authority_kind::ecc);
    BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().detail));
    BOOST_CHECK(r->cn == std::optional<std::string>("ecdev"));
    BOOST_CHECK(r->key_kind == ca::authority_kind::ecc);
    BOOST_CHECK_EQUAL(Botan::hex_encode(r->subject_der, false),
                      py_csr_field(dir / "e.csr", "subject"));
}

BOOST_AUTO_TEST_CASE(subject_bytes_kept_verbatim) {
    temp_dir dir;
    // Unusual order, UTF8String next to PrintableString and IA5String, a multi-valued RDN.
    const auto a = openssl_csr(dir.path(), "a", "rsa2048",
                               "/C=CN/ST=Shanghai/O=EnOS \xc3\xa9t\xc3\xa9/CN=dev/OU=x/"
                               "emailAddress=a@b",
                               "sha256", "-utf8");
    auto ra = ca::check_csr(a, ca::authority_kind::rsa);
    BOOST_REQUIRE(ra.ok());
    BOOST_CHECK_EQUAL(Botan::hex_encode(ra->subject_der, false),
                      py_csr_field(dir / "a.csr", "subject"));
    BOOST_CHECK(ra->cn == std::optional<std::string>("dev"));

    const auto b = openssl_csr(dir.path(), "b", "p256", "/CN=dev+O=acme/C=US/CN=second", "sha256",
                               "-multivalue-rdn");
    auto rb = ca::check_csr(b, ca::authority_kind::ecc);
    BOOST_REQUIRE(rb.ok());
    BOOST_CHECK_EQUAL(Botan::hex_encode(rb->subject_der, false),
                      py_csr_field(dir / "b.csr", "subject"));
    BOOST_CHECK(rb->cn == std::optional<std::string>("dev")); // the first CN
}

BOOST_AUTO_TEST_CASE(subject_without_cn) {
    temp_dir dir;
    const auto pem = openssl_csr(dir.path(), "a", "p256", "/O=NoName");
    auto r = ca::check_csr(pem, ca::authority_kind::ecc);
    BOOST_REQUIRE(r.ok());
    BOOST_CHECK(!r->cn);
}

BOOST_AUTO_TEST_CASE(rsa_sizes_refused) {
    temp_dir dir;
    require_error(ca::check_csr(openssl_csr(dir.path(), "a", "rsa1024", "/CN=small"),
                                ca::authority_kind::rsa),
                  ca::errc::key_not_allowed,
                  "RSA key is 1024 bits; the RSA authority requires 2048");
    require_error(
        ca::check_csr(openssl_csr(dir.path(), "b", "rsa3072", "/CN=big"), ca::authority_kind::rsa),
        ca::errc::key_not_allowed, "3072 bits");
}

// The public exponent bounds the work of the proof-of-possession check: odd, 3 <= e < 2^32.
BOOST_AUTO_TEST_CASE(rsa_exponents) {
    temp_dir dir;
    const auto small_e = ca::check_csr(
        openssl_csr(dir.path(), "e3", "rsa2048 -pkeyopt rsa_keygen_pubexp:3", "/CN=e3"),
        ca::authority_kind::rsa);
    BOOST_CHECK_MESSAGE(small_e.ok(), (small_e.ok() ? "" : small_e.err().detail));
    require_error(
        ca::check_csr(openssl_csr(dir.path(), "big",
                                  "rsa2048 -pkeyopt rsa_keygen_pubexp:4294967297", "/CN=big"),
                      ca::authority_kind::rsa),
        ca::errc::key_not_allowed, "exponent");
}

BOOST_AUTO_TEST_CASE(wrong_family_refused) {
    temp_dir dir;
    const auto ec = openssl_csr(dir.path(), "e", "p256", "/CN=ec");
    require_error(ca::check_csr(ec, ca::authority_kind::rsa), ca::errc::key_not_allowed,
                  "RSA authority");
    const auto rsa = openssl_csr(dir.path(), "r", "rsa2048", "/CN=rsa");
    require_error(ca::check_csr(rsa, ca::authority_kind::ecc), ca::errc::key_not_allowed,
                  "ECC authority");
}

BOOST_AUTO_TEST_CASE(p384_refused) {
    temp_dir dir;
    require_error(
        ca::check_csr(openssl_csr(dir.path(), "e", "p384", "/CN=ec"), ca::authority_kind::ecc),
        ca::errc::key_not_allowed, "secp384r1");
}

BOOST_AUTO_TEST_CASE(signature_algorithms_refused) {
    temp_dir dir;
    require_error(ca::check_csr(openssl_csr(dir.path(), "a", "rsa2048", "/CN=old", "sha1"),
                                ca::authority_kind::rsa),
                  ca::errc::signature_algorithm_not_allowed,
                  "CSR is signed with sha1WithRSAEncryption; the RSA authority requires "
                  "sha256WithRSAEncryption");
    require_error(ca::check_csr(openssl_csr(dir.path(), "b", "rsa2048", "/CN=x", "sha512"),
                                ca::authority_kind::rsa),
                  ca::errc::signature_algorithm_not_allowed, "sha512WithRSAEncryption");
    require_error(ca::check_csr(openssl_csr(dir.path(), "c", "p256", "/CN=x", "sha384"),
                                ca::authority_kind::ecc),
                  ca::errc::signature_algorithm_not_allowed, "ecdsa-with-SHA384");
    require_error(ca::check_csr(openssl_csr(dir.path(), "d", "rsa2048", "/CN=pss", "sha256",
                                            "-sigopt rsa_padding_mode:pss"),
                                ca::authority_kind::rsa),
                  ca::errc::signature_algorithm_not_allowed, "RSASSA-PSS");
}

BOOST_AUTO_TEST_CASE(new_header_crlf_and_der_accepted) {
    temp_dir dir;
    const auto pem = openssl_csr(dir.path(), "a", "rsa2048", "/CN=dev");
    std::string alt = replace_all(pem, "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST");
    alt = replace_all(alt, "\n", "\r\n");
    auto r1 = ca::check_csr(alt, ca::authority_kind::rsa);
    BOOST_REQUIRE_MESSAGE(r1.ok(), (r1.ok() ? "" : r1.err().detail));
    BOOST_CHECK(r1->cn == std::optional<std::string>("dev"));

    auto r2 = ca::check_csr("\n  " + pem + "\n\n", ca::authority_kind::rsa);
    BOOST_CHECK(r2.ok());

    const auto der = pem_to_der(dir, "a");
    auto r3 = ca::check_csr(as_string(der), ca::authority_kind::rsa);
    BOOST_REQUIRE(r3.ok());
    BOOST_CHECK(r3->subject_der == r1->subject_der);

    // One long base64 line is fine too.
    const auto body_start = pem.find('\n') + 1;
    const auto body_end = pem.find("-----END");
    std::string body = pem.substr(body_start, body_end - body_start);
    body = replace_all(body, "\n", "");
    auto r4 = ca::check_csr("-----BEGIN CERTIFICATE REQUEST-----\n" + body +
                                "\n-----END CERTIFICATE REQUEST-----\n",
                            ca::authority_kind::rsa);
    BOOST_CHECK(r4.ok());
}

BOOST_AUTO_TEST_CASE(garbage_is_malformed) {
    const auto k = ca::authority_kind::rsa;
    require_error(ca::check_csr("", k), ca::errc::csr_malformed);
    require_error(ca::check_csr("hello world", k), ca::errc::csr_malformed);
    require_error(ca::check_csr(std::string("\x30\x03\x02\x01\x00", 5), k),
                  ca::errc::csr_malformed);
    require_error(ca::check_csr("-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n"
                                "-----END CERTIFICATE REQUEST-----\n",
                                k),
                  ca::errc::csr_malformed);
    require_error(ca::check_csr("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n", k),
                  ca::errc::csr_malformed);
    require_error(ca::check_csr(std::string(100000, 'A'), k), ca::errc::csr_malformed, "64 KiB");
}

BOOST_AUTO_TEST_CASE(other_pem_labels_refused) {
    temp_dir dir;
    const auto pem = openssl_csr(dir.path(), "a", "rsa2048", "/CN=dev");
    require_error(ca::check_csr(replace_all(pem, "CERTIFICATE REQUEST", "CERTIFICATE"),
                                ca::authority_kind::rsa),
                  ca::errc::csr_malformed);
    // Mismatched BEGIN/END labels.
    require_error(
        ca::check_csr(replace_all(pem, "END CERTIFICATE REQUEST", "END NEW CERTIFICATE REQUEST"),
                      ca::authority_kind::rsa),
        ca::errc::csr_malformed);
    // Trailing data after the block.
    require_error(ca::check_csr(pem + "junk", ca::authority_kind::rsa), ca::errc::csr_malformed);
}

BOOST_AUTO_TEST_CASE(tampered_signature_and_subject) {
    temp_dir dir;
    openssl_csr(dir.path(), "a", "rsa2048", "/O=Acme/CN=device-0001");
    const auto der = pem_to_der(dir, "a");

    auto sig = der;
    sig[sig.size() - 10] ^= 0x01;
    require_error(ca::check_csr(as_string(sig), ca::authority_kind::rsa),
                  ca::errc::csr_signature_invalid);

    // A character of the CN value: the structure stays valid, the signed bytes change.
    const std::string s = as_string(der);
    const auto pos = s.find("device-0001");
    BOOST_REQUIRE(pos != std::string::npos);
    auto subj = der;
    subj[pos] = 'D';
    require_error(ca::check_csr(as_string(subj), ca::authority_kind::rsa),
                  ca::errc::csr_signature_invalid);

    // Same for ECDSA.
    openssl_csr(dir.path(), "e", "p256", "/CN=ec-device");
    auto ec = pem_to_der(dir, "e");
    const auto epos = as_string(ec).find("ec-device");
    ec[epos] = 'E';
    require_error(ca::check_csr(as_string(ec), ca::authority_kind::ecc),
                  ca::errc::csr_signature_invalid);
}

BOOST_AUTO_TEST_CASE(every_single_byte_corruption_and_truncation_refused) {
    // A cheap stand-in for fuzzing: no corruption of a valid request may crash or be accepted.
    temp_dir dir;
    for (const auto& [alg, kind] : {std::pair{"rsa2048", ca::authority_kind::rsa},
                                    std::pair{"p256", ca::authority_kind::ecc}}) {
        openssl_csr(dir.path(), alg, alg, "/C=US/O=Acme/CN=x");
        const auto der = pem_to_der(dir, alg);
        BOOST_REQUIRE(ca::check_csr(as_string(der), kind).ok());
        for (std::size_t i = 0; i < der.size(); ++i) {
            for (std::uint8_t flip : {0x01, 0x80, 0xff}) {
                auto bad = der;
                bad[i] ^= flip;
                auto r = ca::check_csr(as_string(bad), kind);
                BOOST_CHECK_MESSAGE(!r.ok(), "corruption at " << i << " accepted");
            }
        }
        for (std::size_t n = 0; n < der.size(); ++n) {
            BOOST_CHECK(!ca::check_csr(as_string(der).substr(0, n), kind).ok());
        }
        BOOST_CHECK(!ca::check_csr(as_string(der) + std::string(1, '\0'), kind).ok());
    }
}

BOOST_AUTO_TEST_CASE(check_key_policy) {
    temp_dir dir;
    const auto spki = [&](const std::string& stem, const std::string& alg) {
        openssl_csr(dir.path(), stem, alg, "/CN=k");
        must_run("openssl pkey -in " + (dir / (stem + ".key")).string() +
                 " -pubout -outform DER -out " + (dir / (stem + ".pub")).string());
        const std::string s = localca::test::read_file(dir / (stem + ".pub"));
        return std::unique_ptr<Botan::Public_Key>(
            Botan::X509::load_key(std::vector<std::uint8_t>(s.begin(), s.end())));
    };
    auto rsa2048 = spki("a", "rsa2048");
    auto rsa1024 = spki("b", "rsa1024");
    auto p256 = spki("c", "p256");
    auto p384 = spki("d", "p384");
    BOOST_CHECK(ca::check_key(*rsa2048, ca::authority_kind::rsa).ok());
    BOOST_CHECK(!ca::check_key(*rsa2048, ca::authority_kind::ecc).ok());
    BOOST_CHECK(ca::check_key(*rsa1024, ca::authority_kind::rsa).err().code ==
                ca::errc::key_not_allowed);
    BOOST_CHECK(ca::check_key(*p256, ca::authority_kind::ecc).ok());
    BOOST_CHECK(!ca::check_key(*p256, ca::authority_kind::rsa).ok());
    BOOST_CHECK(!ca::check_key(*p384, ca::authority_kind::ecc).ok());
}

BOOST_AUTO_TEST_CASE(error_names) {
    BOOST_CHECK_EQUAL(ca::to_string(ca::errc::csr_malformed), "csr_malformed");
    BOOST_CHECK_EQUAL(ca::to_string(ca::errc::internal), "internal");
    BOOST_CHECK_EQUAL(ca::to_string(ca::authority_kind::rsa), "RSA");
    BOOST_CHECK_EQUAL(ca::to_string(ca::authority_kind::ecc), "ECC");
    BOOST_CHECK(ca::parse_authority("rsa") == ca::authority_kind::rsa);
    BOOST_CHECK(ca::parse_authority("EcC") == ca::authority_kind::ecc);
    BOOST_CHECK(!ca::parse_authority("dsa"));
    BOOST_CHECK(!ca::parse_authority(""));
}

BOOST_AUTO_TEST_SUITE_END()
