// mkcert-style local certificates, checked with the openssl CLI: every kind of name in the
// subjectAltName, the key usages of each key type, the key that belongs to the certificate, a
// chain to the root, and names that are none of the four kinds refused.
#include "ca/local_certificate.hpp"

#include "engine_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <stdexcept>

using namespace localca;
using test::must_run;

namespace {

struct local_fixture : test::engine_fixture {
    // Writes the credentials and returns openssl's text of the certificate's extensions.
    std::string written(const ca::local_credentials& c, ca::authority_kind kind) {
        std::ofstream(dir / "cert.pem") << c.certificate.pem;
        std::ofstream(dir / "key.pem") << c.private_key_pem;
        std::ofstream(dir / "root.pem") << engine->get(kind).cert_pem();
        return must_run("openssl x509 -in " + (dir / "cert.pem").string() +
                        " -noout -text -certopt no_sigdump");
    }
    void check_key_and_chain() {
        BOOST_TEST(
            must_run("openssl x509 -in " + (dir / "cert.pem").string() + " -noout -pubkey") ==
            must_run("openssl pkey -in " + (dir / "key.pem").string() + " -pubout"));
        BOOST_TEST(must_run("openssl verify -CAfile " + (dir / "root.pem").string() + " " +
                            (dir / "cert.pem").string())
                       .find(": OK") != std::string::npos);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ca_local_certificate, local_fixture)

BOOST_AUTO_TEST_CASE(an_rsa_server_certificate_with_every_kind_of_name) {
    ca::local_certificate_request req;
    req.names = {"example.test", "www.example.test", "10.0.0.1",
                 "::1",          "dev@example.test", "https://example.test/x"};
    const auto issued = ca::issue_local_certificate(*engine, req);
    BOOST_TEST_REQUIRE(issued.ok(), (issued.ok() ? "" : issued.err().detail));
    const auto text = written(issued.value(), ca::authority_kind::rsa);
    for (const char* expected :
         {"DNS:example.test", "DNS:www.example.test", "IP Address:10.0.0.1",
          "IP Address:0:0:0:0:0:0:0:1", "email:dev@example.test", "URI:https://example.test/x",
          "CN = example.test", "Digital Signature, Key Encipherment",
          "TLS Web Server Authentication", "E-mail Protection", "CA:FALSE",
          "Public-Key: (2048 bit)"}) {
        BOOST_TEST(text.find(expected) != std::string::npos, expected);
    }
    BOOST_TEST(text.find("Client Authentication") == std::string::npos);
    check_key_and_chain();
    // Recorded like every certificate.
    BOOST_TEST(audit_count("local-cert") == 1);
}

BOOST_AUTO_TEST_CASE(an_ecdsa_client_certificate) {
    ca::local_certificate_request req;
    req.names = {"client.example.test"};
    req.ecdsa = true;
    req.client = true;
    const auto issued = ca::issue_local_certificate(*engine, req);
    BOOST_TEST_REQUIRE(issued.ok(), (issued.ok() ? "" : issued.err().detail));
    BOOST_TEST((issued->certificate.authority == ca::authority_kind::ecc));
    const auto text = written(issued.value(), ca::authority_kind::ecc);
    BOOST_TEST(text.find("TLS Web Client Authentication") != std::string::npos);
    BOOST_TEST(text.find("Key Encipherment") == std::string::npos);
    BOOST_TEST(text.find("E-mail Protection") == std::string::npos);
    BOOST_TEST(text.find("prime256v1") != std::string::npos);
    check_key_and_chain();
}

BOOST_AUTO_TEST_CASE(bad_name_lists_are_refused_before_issuing) {
    ca::local_certificate_request req;
    BOOST_CHECK_THROW(ca::local_profile(req), std::invalid_argument);
    req.names = {"ok.test", "not a name"};
    const auto message = test::error_of([&] { ca::local_profile(req); });
    BOOST_TEST(message.find("not a name") != std::string::npos, message);
    BOOST_CHECK_THROW(ca::issue_local_certificate(*engine, req), std::invalid_argument);
    BOOST_TEST(audit_count("local-cert") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
