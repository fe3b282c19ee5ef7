// Keys LocalCA generates itself: the subject and SubjectPublicKeyInfo bytes (the same whichever
// caller asks, checked against openssl's own encoding of the key), and the issued certificate
// carrying exactly that key and subject.
#include "ca/generated_key.hpp"

#include "ca/local_certificate.hpp"

#include "engine_fixture.hpp"

#include <botan/ecdsa.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace localca;
using test::must_run;

BOOST_FIXTURE_TEST_SUITE(ca_generated_key, test::engine_fixture)

BOOST_AUTO_TEST_CASE(the_public_key_bytes_are_openssls_encoding_of_the_key) {
    const Botan::RSA_PrivateKey key(ca::thread_rng(), 2048);
    std::ofstream(dir / "key.pem") << Botan::PKCS8::PEM_encode(key);
    const auto sk = ca::subject_key_of_key(key, ca::authority_kind::rsa, "device-1");
    // openssl's DER of the public half, to compare byte for byte.
    must_run("openssl pkey -in " + (dir / "key.pem").string() + " -pubout -outform DER -out " +
             (dir / "pub.der").string());
    std::ifstream in(dir / "pub.der", std::ios::binary);
    const std::vector<std::uint8_t> expected((std::istreambuf_iterator<char>(in)), {});
    BOOST_TEST(sk.spki_der == expected);
    BOOST_TEST(sk.cn.value_or("") == "device-1");
    BOOST_TEST((sk.key_kind == ca::authority_kind::rsa));
    // No organization: the subject is CN alone (30 len 31 len 30 len 06 03 55 04 03 0c ...).
    BOOST_TEST(sk.subject.to_string() == "CN=\"device-1\"");
}

BOOST_AUTO_TEST_CASE(an_organization_comes_before_the_common_name) {
    const Botan::ECDSA_PrivateKey key(ca::thread_rng(), Botan::EC_Group("secp256r1"));
    const auto a = ca::subject_key_of_key(key, ca::authority_kind::ecc, "dev", "Lab");
    const auto b = ca::subject_key_of_key(key, ca::authority_kind::ecc, "dev", "Lab");
    BOOST_TEST(a.subject_der == b.subject_der);
    BOOST_TEST(a.spki_der == b.spki_der);
    std::ofstream(dir / "subject.der", std::ios::binary)
        .write(reinterpret_cast<const char*>(a.subject_der.data()),
               static_cast<std::streamsize>(a.subject_der.size()));
    // openssl reads the DER Name as O first, then CN, both UTF8String.
    const auto parsed =
        must_run("openssl asn1parse -inform DER -in " + (dir / "subject.der").string());
    const auto o = parsed.find("UTF8STRING        :Lab");
    const auto cn = parsed.find("UTF8STRING        :dev");
    BOOST_TEST_REQUIRE(o != std::string::npos, parsed);
    BOOST_TEST_REQUIRE(cn != std::string::npos, parsed);
    BOOST_TEST(o < cn);
}

BOOST_AUTO_TEST_CASE(an_issued_certificate_carries_the_generated_key) {
    for (const auto kind : {ca::authority_kind::rsa, ca::authority_kind::ecc}) {
        ca::issue_request issue;
        issue.api = "server";
        issue.authority = kind;
        ca::local_certificate_request local; // its profile fits both key types
        local.names = {"gen.example.test"};
        local.ecdsa = kind == ca::authority_kind::ecc;
        issue.profile = ca::local_profile(local);
        auto issued = ca::issue_with_generated_key(*engine, issue, "gen.example.test", "Org");
        BOOST_TEST_REQUIRE(issued.ok(), (issued.ok() ? "" : issued.err().detail));
        std::ofstream(dir / "cert.pem") << issued.value().certificate.pem;
        std::ofstream(dir / "key.pem") << issued.value().private_key_pem;
        BOOST_TEST(
            must_run("openssl x509 -in " + (dir / "cert.pem").string() + " -noout -pubkey") ==
            must_run("openssl pkey -in " + (dir / "key.pem").string() + " -pubout"));
        const auto subject = must_run("openssl x509 -in " + (dir / "cert.pem").string() +
                                      " -noout -subject -nameopt RFC2253");
        BOOST_TEST(subject.find("CN=gen.example.test,O=Org") != std::string::npos, subject);
        const auto text =
            must_run("openssl x509 -in " + (dir / "cert.pem").string() + " -noout -text");
        BOOST_TEST(
            text.find(kind == ca::authority_kind::ecc ? "id-ecPublicKey" : "rsaEncryption") !=
            std::string::npos);
        // Durable: the row is there, with the subject's CN.
        storage::statement_handle q(store->reader(),
                                    "SELECT subject_cn FROM certificates WHERE sn = ?");
        q->bind(1, issued.value().certificate.sn);
        BOOST_TEST_REQUIRE(q->step());
        BOOST_TEST(q->get_string(0) == "gen.example.test");
    }
}

BOOST_AUTO_TEST_SUITE_END()
