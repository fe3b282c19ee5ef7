// A stored certificate decoded for the operator, compared with what the openssl CLI says of the
// same certificate: names, SANs, key, extensions with criticality, fingerprints and PEM.
#include "ca/admin/certificate_details.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>

using namespace localca;

namespace {

// "sha256 Fingerprint=AB:CD:..." -> "abcd..."
std::string openssl_fingerprint(const std::string& pem_path, const std::string& algo) {
    auto out = test::must_run("openssl x509 -in " + pem_path + " -noout -fingerprint -" + algo);
    out = out.substr(out.find('=') + 1);
    std::string hex;
    for (const char c : out) {
        if (std::isxdigit(static_cast<unsigned char>(c))) {
            hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    return hex;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_admin_certificate_details)

BOOST_AUTO_TEST_CASE(matches_the_openssl_view) {
    test::temp_dir dir;
    const auto der = test::openssl_self_signed(
        dir.path(), "c", "/O=Acme/CN=device-1",
        "-addext subjectAltName=DNS:device-1.test,IP:10.1.2.3,email:ops@acme.test "
        "-addext keyUsage=critical,digitalSignature");
    const auto d = ca::admin::describe(der);
    BOOST_TEST(d.subject.find("CN=\"device-1\"") != std::string::npos, d.subject);
    BOOST_TEST(d.subject == d.issuer);
    BOOST_TEST(d.sans.size() == 3u);
    for (const char* san : {"DNS:device-1.test", "IP:10.1.2.3", "email:ops@acme.test"}) {
        BOOST_TEST((std::find(d.sans.begin(), d.sans.end(), san) != d.sans.end()), san);
    }
    BOOST_TEST(d.key_type == "ECDSA");
    BOOST_TEST(d.key_bits == 256u);
    bool key_usage_critical = false;
    for (const auto& e : d.extensions) {
        if (e.oid == "2.5.29.15") {
            key_usage_critical = e.critical;
        }
        if (e.oid == "2.5.29.17") {
            BOOST_TEST(!e.critical);
        }
    }
    BOOST_TEST(key_usage_critical);
    const auto pem = (dir / "c.pem").string();
    BOOST_TEST(d.sha256 == openssl_fingerprint(pem, "sha256"));
    BOOST_TEST(d.sha1 == openssl_fingerprint(pem, "sha1"));
    BOOST_TEST(d.pem == test::read_file(pem));
}

BOOST_AUTO_TEST_SUITE_END()
