// LocalCA's own TLS certificate, checked with the openssl CLI: RSA-2048 from the RSA root, the
// names as subjectAltName (the first also the CN), serverAuth, the requested validity, a key that
// belongs to it; an empty or invalid name list is a configuration error.
#include "ca/server_certificate.hpp"

#include "engine_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <stdexcept>

using namespace localca;
using test::must_run;

BOOST_FIXTURE_TEST_SUITE(ca_server_certificate, test::engine_fixture)

BOOST_AUTO_TEST_CASE(issued_for_the_names_and_chained_to_the_rsa_root) {
    ca::server_certificate_request req;
    req.names = {"localca.test", "127.0.0.1"};
    req.validity = std::chrono::hours(24 * 7);
    const auto issued = ca::issue_server_certificate(*engine, req);
    BOOST_TEST_REQUIRE(issued.ok(), (issued.ok() ? "" : issued.err().detail));
    BOOST_TEST((issued->certificate.authority == ca::authority_kind::rsa));
    BOOST_TEST((issued->certificate.not_after - issued->certificate.not_before ==
                std::chrono::hours(24 * 7)));
    const auto cert = (dir / "server.pem").string();
    const auto key = (dir / "server-key.pem").string();
    const auto root = (dir / "rsa-root.pem").string();
    std::ofstream(cert) << issued->certificate.pem;
    std::ofstream(key) << issued->private_key_pem;
    std::ofstream(root) << engine->get(ca::authority_kind::rsa).cert_pem();
    const auto ext = must_run("openssl x509 -in " + cert +
                              " -noout -subject -ext subjectAltName,extendedKeyUsage");
    BOOST_TEST(ext.find("CN = localca.test") != std::string::npos, ext);
    BOOST_TEST(ext.find("DNS:localca.test, IP Address:127.0.0.1") != std::string::npos, ext);
    BOOST_TEST(ext.find("TLS Web Server Authentication") != std::string::npos, ext);
    BOOST_TEST(must_run("openssl rsa -in " + key + " -noout -text").find("2048 bit") !=
               std::string::npos);
    BOOST_TEST(must_run("openssl x509 -in " + cert + " -noout -pubkey") ==
               must_run("openssl pkey -in " + key + " -pubout"));
    BOOST_TEST(must_run("openssl verify -CAfile " + root + " " + cert).find(": OK") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_names_are_a_configuration_error) {
    ca::server_certificate_request req;
    BOOST_CHECK_THROW(ca::issue_server_certificate(*engine, req), std::invalid_argument);
    req.names = {"not a host name"};
    BOOST_CHECK_THROW(ca::issue_server_certificate(*engine, req), std::invalid_argument);
    BOOST_TEST(audit_count("issue") == 0);
}

BOOST_AUTO_TEST_SUITE_END()
