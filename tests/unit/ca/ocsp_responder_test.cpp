// The OCSP responder against a real engine, with the openssl CLI as the client: a request it
// makes is answered "good" under a delegated responder certificate openssl accepts, "revoked"
// once the certificate is revoked (the cached answer is not served), the same bytes for a
// repeated nonce-less request, a fresh answer echoing a nonce, and malformed input refused.
#include "ca/ocsp_responder.hpp"

#include "ca/local_certificate.hpp"

#include "engine_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace localca;
using test::must_run;

namespace {

struct ocsp_fixture : test::engine_fixture {
    ca::ocsp_responder responder{*engine, ca::ocsp_options{}};
    std::int64_t sn = 0;

    ocsp_fixture() {
        responder.start(engine->clock().now());
        ca::local_certificate_request req;
        req.names = {"ocsp.test"};
        req.ecdsa = true;
        const auto issued = ca::issue_local_certificate(*engine, req);
        BOOST_REQUIRE(issued.ok());
        sn = issued->certificate.sn;
        std::ofstream(dir / "cert.pem") << issued->certificate.pem;
        std::ofstream(dir / "root.pem") << engine->get(ca::authority_kind::ecc).cert_pem();
    }

    std::string path(const std::string& name) const { return (dir / name).string(); }

    // An OCSPRequest for the certificate, made by openssl.
    std::vector<std::uint8_t> request(bool nonce) {
        must_run("openssl ocsp -issuer " + path("root.pem") + " -cert " + path("cert.pem") +
                 (nonce ? " -nonce" : " -no_nonce") + " -reqout " + path("req.der"));
        const auto bytes = test::read_file(path("req.der"));
        return {bytes.begin(), bytes.end()};
    }

    // openssl's verdict on a response: verified against the root, with the certificate's status.
    std::string verdict(const ca::ocsp_answer& answer) {
        std::ofstream(path("resp.der"), std::ios::binary)
            .write(reinterpret_cast<const char*>(answer.der.data()),
                   static_cast<std::streamsize>(answer.der.size()));
        return must_run("openssl ocsp -respin " + path("resp.der") + " -issuer " +
                        path("root.pem") + " -cert " + path("cert.pem") + " -CAfile " +
                        path("root.pem") + " -no_nonce");
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ca_ocsp_responder, ocsp_fixture)

BOOST_AUTO_TEST_CASE(good_then_revoked_verified_by_openssl) {
    const auto now = engine->clock().now();
    const auto good = responder.respond(request(false), now);
    BOOST_TEST_REQUIRE((good.status == ca::ocsp_response_status::successful), good.detail);
    BOOST_TEST(good.cacheable);
    BOOST_TEST(!good.etag.empty());
    auto text = verdict(good);
    BOOST_TEST(text.find("Response verify OK") != std::string::npos, text);
    BOOST_TEST(text.find("cert.pem: good") != std::string::npos, text);

    // Asked again: the cached bytes.
    const auto again = responder.respond(request(false), now);
    BOOST_TEST(again.der == good.der, boost::test_tools::per_element());

    BOOST_TEST_REQUIRE(engine->revoke_sync(ca::revoke_request{sn, 1, {}, {}}).ok());
    const auto revoked = responder.respond(request(false), now);
    BOOST_TEST_REQUIRE((revoked.status == ca::ocsp_response_status::successful));
    text = verdict(revoked);
    BOOST_TEST(text.find("cert.pem: revoked") != std::string::npos, text);
    BOOST_TEST(text.find("keyCompromise") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(a_nonce_is_echoed_and_not_cached) {
    const auto now = engine->clock().now();
    const auto first = responder.respond(request(true), now);
    BOOST_TEST_REQUIRE((first.status == ca::ocsp_response_status::successful), first.detail);
    BOOST_TEST(!first.cacheable);
    // openssl verifies the response and checks its nonce against the request's.
    std::ofstream(path("resp.der"), std::ios::binary)
        .write(reinterpret_cast<const char*>(first.der.data()),
               static_cast<std::streamsize>(first.der.size()));
    const auto text = must_run("openssl ocsp -respin " + path("resp.der") + " -reqin " +
                               path("req.der") + " -CAfile " + path("root.pem"));
    BOOST_TEST(text.find("Response verify OK") != std::string::npos, text);
    BOOST_TEST(text.find("WARNING: no nonce") == std::string::npos, text);
    // The same nonce in the request and the response, as openssl prints them.
    const auto nonce_of = [](const std::string& dump) {
        const auto at = dump.find("OCSP Nonce:");
        BOOST_REQUIRE(at != std::string::npos);
        const auto value = dump.find('\n', at) + 1;
        return dump.substr(value, dump.find('\n', value) - value);
    };
    BOOST_TEST(
        nonce_of(must_run("openssl ocsp -reqin " + path("req.der") + " -req_text -noverify")) ==
        nonce_of(must_run("openssl ocsp -respin " + path("resp.der") + " -resp_text -noverify")));
    // A second request with another nonce gets its own answer.
    const auto second = responder.respond(request(true), now);
    BOOST_TEST(second.der != first.der);
}

BOOST_AUTO_TEST_CASE(malformed_requests_are_refused) {
    const auto now = engine->clock().now();
    const std::vector<std::uint8_t> garbage{0x30, 0x03, 0x02, 0x01, 0x05};
    const auto answer = responder.respond(garbage, now);
    BOOST_TEST((answer.status == ca::ocsp_response_status::malformed_request));
    BOOST_TEST(!answer.cacheable);
    BOOST_TEST(!answer.detail.empty());
    BOOST_TEST(!answer.der.empty()); // an OCSPResponse with only the status
}

BOOST_AUTO_TEST_CASE(responses_for_our_own_certificates) {
    const auto now = engine->clock().now();
    const auto answer = responder.respond_for(ca::authority_kind::ecc, sn, now);
    BOOST_TEST_REQUIRE((answer.status == ca::ocsp_response_status::successful), answer.detail);
    BOOST_TEST(verdict(answer).find("cert.pem: good") != std::string::npos);
    BOOST_TEST((answer.next_update - answer.produced_at <= std::chrono::hours(1)));
}

BOOST_AUTO_TEST_SUITE_END()
