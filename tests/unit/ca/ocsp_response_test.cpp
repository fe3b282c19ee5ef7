// build_ocsp_response(): responses verified by `openssl ocsp -respin` against the root, for
// CertIDs that openssl itself wrote.
#include "authority_fixture.hpp"
#include "ca/authority.hpp"
#include "ca/clock.hpp"
#include "ca/ocsp_request.hpp"
#include "ca/ocsp_response.hpp"
#include "ca/profile.hpp"
#include "test_support.hpp"

#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include <algorithm>
#include <fstream>
#include <iterator>

using namespace localca;
using localca::test::must_run;
using localca::test::read_bytes;
using localca::test::run;
using localca::test::temp_dir;
using localca::test::write_bytes;

namespace {

const ca::authority& rsa_root_ocsp_response() {
    return test::shared_root(ca::authority_kind::rsa);
}

// A responder certificate (the OCSP responder profile) for a fresh RSA key, signed by the root.
ca::ocsp_signing_key responder(std::chrono::system_clock::time_point now) {
    auto key = std::make_shared<const Botan::RSA_PrivateKey>(ca::thread_rng(), 2048);
    ca::subject_key sk;
    Botan::X509_DN dn;
    dn.add_attribute(Botan::OID("2.5.4.3"), Botan::ASN1_String("responder", Botan::UTF8_STRING));
    Botan::DER_Encoder(sk.subject_der).encode(dn);
    sk.subject = dn;
    sk.spki_der = Botan::X509::BER_encode(*key);
    ca::certificate_spec spec;
    spec.serial = 42;
    // Inside the root's validity, as the pre-signature lint requires.
    const auto root_not_before = std::chrono::system_clock::time_point(
        std::chrono::seconds(rsa_root_ocsp_response().cert().not_before().time_since_epoch()));
    spec.not_before = std::max(now - std::chrono::hours(1), root_not_before);
    spec.not_after = now + std::chrono::hours(24 * 7);
    spec.extensions = ca::profile_extensions(rsa_root_ocsp_response(), sk, "http://127.0.0.1:1",
                                             ca::ocsp_responder_profile());
    spec.profile = ca::ocsp_responder_profile();
    const auto der = ca::sign_certificate(rsa_root_ocsp_response(), sk, spec);
    return ca::ocsp_signing_key(key, der, spec.not_after);
}

} // namespace

BOOST_AUTO_TEST_SUITE(ocsp_response)

BOOST_AUTO_TEST_CASE(good_revoked_unknown_verified_by_openssl) {
    temp_dir dir;
    const auto root = dir / "root.pem";
    std::ofstream(root) << rsa_root_ocsp_response().cert_pem();
    must_run("openssl ocsp -issuer " + root.string() +
             " -serial 10 -serial 11 -serial 12 -reqout " + (dir / "req.der").string());
    const auto parsed = ca::parse_ocsp_request(read_bytes(dir / "req.der"), 8);
    BOOST_TEST_REQUIRE(parsed.request.has_value());
    const auto& req = *parsed.request;

    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto signer = responder(now);
    std::vector<ca::ocsp_single_response> singles(3);
    for (std::size_t i = 0; i < 3; ++i) {
        singles[i].cert_id_der = req.cert_ids[i].der;
        singles[i].this_update = now;
        singles[i].next_update = now + std::chrono::hours(1);
    }
    singles[0].status = ca::ocsp_cert_status::good;
    singles[1].status = ca::ocsp_cert_status::revoked;
    singles[1].revocation_time = now - std::chrono::hours(2);
    singles[1].revocation_reason = 1;
    singles[2].status = ca::ocsp_cert_status::unknown;
    const auto resp = ca::build_ocsp_response(singles, now, req.nonce, signer);
    write_bytes(dir / "resp.der", resp);
    // The nonce is echoed byte for byte (openssl checks it only against a request it builds).
    BOOST_TEST_REQUIRE(req.nonce.has_value());
    BOOST_TEST((std::search(resp.begin(), resp.end(), req.nonce->begin(), req.nonce->end()) !=
                resp.end()));

    const auto out = run("openssl ocsp -respin " + (dir / "resp.der").string() +
                         " -no_nonce -issuer " + root.string() + " -CAfile " + root.string() +
                         " -serial 10 -serial 11 -serial 12 -resp_text 2>&1")
                         .output;
    BOOST_TEST_INFO(out);
    BOOST_TEST(out.find("Response verify OK") != std::string::npos);
    BOOST_TEST(out.find("10: good") != std::string::npos);
    BOOST_TEST(out.find("11: revoked") != std::string::npos);
    BOOST_TEST(out.find("Reason: keyCompromise") != std::string::npos);
    BOOST_TEST(out.find("12: unknown") != std::string::npos);
    BOOST_TEST(out.find("OCSP Nonce:") != std::string::npos);
    BOOST_TEST(out.find("Responder Id: ") != std::string::npos);
    BOOST_TEST(out.find("OCSP No Check") != std::string::npos);
    BOOST_TEST(out.find("OCSP Signing") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(error_responses_are_status_only) {
    const auto der = ca::ocsp_error_response(ca::ocsp_response_status::malformed_request);
    BOOST_TEST(der == (std::vector<std::uint8_t>{0x30, 0x03, 0x0a, 0x01, 0x01}));
    const auto un = ca::ocsp_error_response(ca::ocsp_response_status::unauthorized);
    BOOST_TEST(un == (std::vector<std::uint8_t>{0x30, 0x03, 0x0a, 0x01, 0x06}));
}

BOOST_AUTO_TEST_SUITE_END()
