// parse_ocsp_request(): requests written by `openssl ocsp -reqout`, and hand-made bad ones.
#include "authority_fixture.hpp"
#include "ca/authority.hpp"
#include "ca/clock.hpp"
#include "ca/ocsp_request.hpp"
#include "test_support.hpp"

#include <botan/der_enc.h>
#include <botan/hash.h>

#include <algorithm>
#include <fstream>
#include <iterator>

using namespace localca;
using localca::test::must_run;
using localca::test::read_bytes;
using localca::test::temp_dir;

namespace {

const ca::authority& rsa_root_ocsp_request() {
    return test::shared_root(ca::authority_kind::rsa);
}

// `openssl ocsp -reqout` for the serials, with `flags` ("-sha256", "-no_nonce"...).
std::vector<std::uint8_t> openssl_request(const temp_dir& dir, const std::string& flags,
                                          const std::vector<int>& serials) {
    const auto root = dir / "root.pem";
    std::ofstream(root) << rsa_root_ocsp_request().cert_pem();
    std::string cmd = "openssl ocsp -issuer " + root.string() + " " + flags;
    for (const int s : serials) {
        cmd += " -serial " + std::to_string(s);
    }
    const auto out = dir / "req.der";
    must_run(cmd + " -reqout " + out.string());
    return read_bytes(out);
}

std::vector<std::uint8_t> hash(const std::string& name, const std::vector<std::uint8_t>& data) {
    const auto d = Botan::HashFunction::create_or_throw(name)->process(data);
    return {d.begin(), d.end()};
}

// An OCSPRequest for one SHA-1 CertID of serial 7 with a nonce extension whose value is the DER
// OCTET STRING of `nonce_size` bytes.
std::vector<std::uint8_t> request_with_nonce(std::size_t nonce_size) {
    const auto& cert = rsa_root_ocsp_request().cert();
    std::vector<std::uint8_t> nonce_value;
    Botan::DER_Encoder(nonce_value)
        .encode(std::vector<std::uint8_t>(nonce_size, 0x42), Botan::OCTET_STRING);
    std::vector<std::uint8_t> out;
    Botan::DER_Encoder(out)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::AlgorithmIdentifier(Botan::OID("1.3.14.3.2.26"),
                                           Botan::AlgorithmIdentifier::USE_NULL_PARAM))
        .encode(hash("SHA-1", cert.raw_subject_dn()), Botan::OCTET_STRING)
        .encode(hash("SHA-1", cert.subject_public_key_bitstring()), Botan::OCTET_STRING)
        .encode(std::size_t(7))
        .end_cons()
        .end_cons()
        .end_cons()
        .start_explicit(2)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID("1.3.6.1.5.5.7.48.1.2"))
        .encode(nonce_value, Botan::OCTET_STRING)
        .end_cons()
        .end_cons()
        .end_explicit()
        .end_cons()
        .end_cons();
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ocsp_request)

BOOST_AUTO_TEST_CASE(openssl_requests_parse_with_sha1_and_sha256_cert_ids) {
    temp_dir dir;
    const auto& cert = rsa_root_ocsp_request().cert();
    for (const std::string h : {"SHA-1", "SHA-256"}) {
        const auto der = openssl_request(dir, h == "SHA-1" ? "-sha1" : "-sha256", {5, 123456789});
        const auto r = ca::parse_ocsp_request(der, 8);
        BOOST_TEST_REQUIRE(r.request.has_value(), r.detail);
        BOOST_TEST(r.request->cert_ids.size() == 2u);
        const auto& id = r.request->cert_ids[0];
        BOOST_TEST(id.hash == h);
        BOOST_TEST(id.issuer_name_hash == hash(h, cert.raw_subject_dn()));
        BOOST_TEST(id.issuer_key_hash == hash(h, cert.subject_public_key_bitstring()));
        BOOST_TEST(*id.serial == 5);
        BOOST_TEST(*r.request->cert_ids[1].serial == 123456789);
        // openssl adds a 16-byte nonce unless told not to.
        BOOST_TEST_REQUIRE(r.request->nonce.has_value());
        BOOST_TEST(r.request->nonce->size() == 18u); // 04 10 + 16 bytes
        // The CertID is kept as sent.
        BOOST_TEST(
            (std::search(der.begin(), der.end(), id.der.begin(), id.der.end()) != der.end()));
    }
    const auto r = ca::parse_ocsp_request(openssl_request(dir, "-no_nonce", {9}), 8);
    BOOST_TEST_REQUIRE(r.request.has_value());
    BOOST_TEST(!r.request->nonce.has_value());
}

BOOST_AUTO_TEST_CASE(the_cap_on_single_requests) {
    temp_dir dir;
    const auto der = openssl_request(dir, "-no_nonce", {1, 2, 3});
    BOOST_TEST(ca::parse_ocsp_request(der, 3).request.has_value());
    const auto r = ca::parse_ocsp_request(der, 2);
    BOOST_TEST(!r.request.has_value());
    BOOST_TEST(static_cast<int>(r.error) == static_cast<int>(ca::ocsp_request_error::too_many));
}

BOOST_AUTO_TEST_CASE(nonce_of_1_to_32_octets_only) {
    for (const std::size_t n : {1u, 16u, 32u}) {
        const auto r = ca::parse_ocsp_request(request_with_nonce(n), 8);
        BOOST_TEST_REQUIRE(r.request.has_value(), r.detail);
        BOOST_TEST(r.request->nonce->size() == n + 2);
    }
    for (const std::size_t n : {0u, 33u, 200u}) {
        const auto r = ca::parse_ocsp_request(request_with_nonce(n), 8);
        BOOST_TEST(!r.request.has_value());
        BOOST_TEST(static_cast<int>(r.error) ==
                   static_cast<int>(ca::ocsp_request_error::nonce_size));
    }
}

BOOST_AUTO_TEST_CASE(garbage_and_trailing_bytes_are_malformed) {
    temp_dir dir;
    auto good = openssl_request(dir, "-no_nonce", {1});
    std::vector<std::vector<std::uint8_t>> bad = {
        {},
        {0x30, 0x00},
        {0x30, 0x03, 0x02, 0x01, 0x01},
        {0x04, 0x02, 0x30, 0x00},
    };
    auto trailing = good;
    trailing.push_back(0);
    bad.push_back(trailing);
    auto truncated = good;
    truncated.pop_back();
    bad.push_back(truncated);
    for (const auto& b : bad) {
        const auto r = ca::parse_ocsp_request(b, 8);
        BOOST_TEST(!r.request.has_value());
        BOOST_TEST(static_cast<int>(r.error) ==
                   static_cast<int>(ca::ocsp_request_error::malformed));
    }
}

BOOST_AUTO_TEST_CASE(serials_we_cannot_have_issued_have_none) {
    temp_dir dir;
    // 2^64: longer than any serial of ours; still a well-formed request (answered unknown).
    const auto root = dir / "root.pem";
    std::ofstream(root) << rsa_root_ocsp_request().cert_pem();
    must_run("openssl ocsp -issuer " + root.string() +
             " -no_nonce -serial 0x10000000000000000 -reqout " + (dir / "big.der").string());
    const auto r = ca::parse_ocsp_request(read_bytes(dir / "big.der"), 8);
    BOOST_TEST_REQUIRE(r.request.has_value(), r.detail);
    BOOST_TEST(!r.request->cert_ids[0].serial.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
