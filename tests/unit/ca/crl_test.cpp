// build_crl(): v2 CRLs checked with `openssl crl`.
#include "authority_fixture.hpp"
#include "ca/clock.hpp"
#include "ca/crl.hpp"
#include "test_support.hpp"

#include <botan/bigint.h>
#include <botan/x509_crl.h>
#include <botan/x509_dn.h>

#include <fstream>

using namespace localca;
using localca::test::must_run;
using localca::test::run;
using localca::test::temp_dir;

namespace {

const ca::authority& root(ca::authority_kind kind) {
    return test::shared_root(kind);
}

// `openssl crl -text` of the CRL, verified against the root (its stderr says "verify OK").
std::string openssl_crl_text(const temp_dir& dir, const ca::authority& a,
                             const std::vector<std::uint8_t>& der) {
    const auto crl = dir / "crl.der";
    const auto pem = dir / "root.pem";
    std::ofstream(crl, std::ios::binary)
        .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
    std::ofstream(pem) << a.cert_pem();
    return must_run("openssl crl -inform DER -in " + crl.string() + " -CAfile " + pem.string() +
                    " -noout -text");
}

bool has(const std::string& text, const std::string& what) {
    const bool found = text.find(what) != std::string::npos;
    if (!found) {
        BOOST_TEST_MESSAGE("missing \"" << what << "\" in:\n" << text);
    }
    return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_crl)

BOOST_AUTO_TEST_CASE(empty_crl_verifies) {
    for (auto kind : {ca::authority_kind::rsa, ca::authority_kind::ecc}) {
        temp_dir dir;
        const auto& a = root(kind);
        const auto now = std::chrono::system_clock::now();
        const auto der = ca::build_crl(a, {}, 1, now, std::chrono::hours(24 * 7));
        const auto text = openssl_crl_text(dir, a, der);
        BOOST_CHECK(has(text, "verify OK"));
        BOOST_CHECK(has(text, "Certificate Revocation List (CRL):\n        Version 2 (0x1)"));
        BOOST_CHECK(has(text, "No Revoked Certificates."));
        BOOST_CHECK(has(text, "X509v3 CRL Number: \n                1\n"));
        BOOST_CHECK(has(text, "X509v3 Authority Key Identifier:"));
        BOOST_CHECK(
            has(text, std::string("Issuer: CN = LocalCA ") + a.name() + " Root CA, O = LocalCA"));

        const Botan::X509_CRL crl(der);
        BOOST_CHECK(crl.issuer_dn().get_bits() == a.cert().subject_dn().get_bits());
        BOOST_CHECK(crl.authority_key_id() == a.cert().subject_key_id());
        BOOST_CHECK_EQUAL(crl.next_update().time_since_epoch() -
                              crl.this_update().time_since_epoch(),
                          7u * 24 * 3600);
        BOOST_CHECK(crl.check_signature(*a.cert().load_subject_public_key()));
    }
}

BOOST_AUTO_TEST_CASE(revoked_entries_with_reasons) {
    temp_dir dir;
    const auto& a = root(ca::authority_kind::rsa);
    const auto t = std::chrono::system_clock::from_time_t(1700000000);
    const std::vector<ca::crl_entry> entries{
        {5, t, 1}, {7, t, 0}, {9, t + std::chrono::seconds(10), 9}, {4000000000000LL, t, 4}};
    const auto der =
        ca::build_crl(a, entries, 12, std::chrono::system_clock::now(), std::chrono::seconds(3600));
    const auto text = openssl_crl_text(dir, a, der);
    BOOST_CHECK(has(text, "verify OK"));
    BOOST_CHECK(has(text, "X509v3 CRL Number: \n                12\n"));
    BOOST_CHECK(has(text, "Serial Number: 05\n        Revocation Date: Nov 14 22:13:20 2023 GMT\n"
                          "        CRL entry extensions:\n            X509v3 CRL Reason Code: \n"
                          "                Key Compromise"));
    // Reason 0 (unspecified) carries no extension.
    BOOST_CHECK(has(text, "Serial Number: 07\n        Revocation Date: Nov 14 22:13:20 2023 GMT\n"
                          "    Serial Number: 09"));
    BOOST_CHECK(has(text, "Privilege Withdrawn"));
    BOOST_CHECK(has(text, "Serial Number: 03A352944000\n"));
    BOOST_CHECK(has(text, "Superseded"));

    const Botan::X509_CRL crl(der);
    BOOST_REQUIRE_EQUAL(crl.get_revoked().size(), 4u);
    BOOST_CHECK(crl.get_revoked()[0].reason_code() == Botan::KEY_COMPROMISE);
}

BOOST_AUTO_TEST_CASE(entries_after_2049_large_serials_and_many_entries) {
    // The entries are encoded by hand: GeneralizedTime from 2050 on, a serial whose top bit needs
    // a leading zero octet, the largest int64 serial, and a long list (multi-octet lengths).
    temp_dir dir;
    const auto& a = root(ca::authority_kind::rsa);
    const auto t2051 = std::chrono::system_clock::from_time_t(2556143999); // 2050-12-31 23:59:59
    std::vector<ca::crl_entry> entries{{0x80, t2051, 1},
                                       {INT64_MAX, t2051 - std::chrono::hours(24 * 366), 3}};
    for (std::int64_t sn = 1000; sn < 3000; ++sn) {
        entries.push_back({sn, std::chrono::system_clock::from_time_t(1700000000 + sn), 4});
    }
    const auto der =
        ca::build_crl(a, entries, 3, std::chrono::system_clock::now(), std::chrono::hours(1));
    const auto text = openssl_crl_text(dir, a, der);
    BOOST_CHECK(has(text, "verify OK"));
    BOOST_CHECK(has(text, "Serial Number: 80\n        Revocation Date: Dec 31 23:59:59 2050 GMT"));
    BOOST_CHECK(has(text, "Serial Number: 7FFFFFFFFFFFFFFF\n        Revocation Date: Dec 30 "
                          "23:59:59 2049 GMT"));
    const Botan::X509_CRL crl(der);
    BOOST_REQUIRE_EQUAL(crl.get_revoked().size(), entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& r = crl.get_revoked()[i];
        BOOST_CHECK(Botan::BigInt::decode(r.serial_number()) ==
                    Botan::BigInt(static_cast<std::uint64_t>(entries[i].serial)));
        BOOST_CHECK_EQUAL(static_cast<int>(r.reason_code()), entries[i].reason);
        BOOST_CHECK(r.expire_time().to_std_timepoint() == entries[i].revoked_at);
    }
}

BOOST_AUTO_TEST_CASE(ecc_crl_with_entries) {
    temp_dir dir;
    const auto& a = root(ca::authority_kind::ecc);
    const auto der = ca::build_crl(a, {{3, std::chrono::system_clock::now(), 5}}, 2,
                                   std::chrono::system_clock::now(), std::chrono::hours(1));
    const auto text = openssl_crl_text(dir, a, der);
    BOOST_CHECK(has(text, "verify OK"));
    BOOST_CHECK(has(text, "Signature Algorithm: ecdsa-with-SHA256"));
    BOOST_CHECK(has(text, "Cessation Of Operation"));
}

BOOST_AUTO_TEST_CASE(signature_fails_against_another_root) {
    temp_dir dir;
    const auto der = ca::build_crl(root(ca::authority_kind::rsa), {}, 1,
                                   std::chrono::system_clock::now(), std::chrono::hours(1));
    const auto crl = dir / "crl.der";
    const auto pem = dir / "other.pem";
    std::ofstream(crl, std::ios::binary)
        .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
    std::ofstream(pem) << root(ca::authority_kind::ecc).cert_pem();
    const auto r =
        run("openssl crl -inform DER -in " + crl.string() + " -CAfile " + pem.string() + " -noout");
    BOOST_CHECK(r.output.find("verify OK") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_arguments_throw) {
    const auto& a = root(ca::authority_kind::ecc);
    const auto now = std::chrono::system_clock::now();
    BOOST_CHECK_THROW(ca::build_crl(a, {}, 0, now, std::chrono::hours(1)), std::invalid_argument);
    BOOST_CHECK_THROW(ca::build_crl(a, {}, 1, now, std::chrono::seconds(0)), std::invalid_argument);
    BOOST_CHECK_THROW(ca::build_crl(a, {{1, now, 7}}, 1, now, std::chrono::hours(1)),
                      std::invalid_argument);
    BOOST_CHECK_THROW(ca::build_crl(a, {{0, now, 1}}, 1, now, std::chrono::hours(1)),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
