// Roots made by authority::create(), checked with the openssl CLI; per-thread signers.
#include "authority_fixture.hpp"
#include "ca/authority.hpp"
#include "ca/clock.hpp"
#include "test_support.hpp"

#include <botan/data_src.h>
#include <botan/ecdsa.h>
#include <botan/pkcs8.h>
#include <botan/x509_obj.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <latch>
#include <thread>

using namespace localca;
using localca::test::must_run;
using localca::test::run;
using localca::test::temp_dir;

namespace {

std::filesystem::path write_root(const temp_dir& dir, const ca::authority& a) {
    const auto path = dir / (std::string(a.name()) + ".pem");
    std::ofstream(path) << a.cert_pem();
    return path;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) {
        ++n;
    }
    return n;
}

// The authorities are slow-ish to create (RSA key generation): one of each for the suite.
const ca::authority& rsa_root() {
    return test::shared_root(ca::authority_kind::rsa);
}
const ca::authority& ecc_root() {
    return test::shared_root(ca::authority_kind::ecc);
}

void check_root_text(const std::string& text) {
    BOOST_CHECK(text.find("X509v3 Basic Constraints: critical\n                CA:TRUE\n") !=
                std::string::npos);
    BOOST_CHECK(text.find("pathlen") == std::string::npos);
    BOOST_CHECK(text.find("X509v3 Key Usage: critical\n                Certificate Sign, CRL "
                          "Sign\n") != std::string::npos);
    BOOST_CHECK(text.find("X509v3 Subject Key Identifier:") != std::string::npos);
    BOOST_CHECK(text.find("X509v3 Authority Key Identifier:") != std::string::npos);
    // Exactly those four extensions.
    BOOST_CHECK_EQUAL(count(text, "X509v3 "), 5u); // "X509v3 extensions:" and the four
    BOOST_CHECK(text.find("Version: 3 (0x2)") != std::string::npos);
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_authority)

BOOST_AUTO_TEST_CASE(rsa_root_as_specified) {
    temp_dir dir;
    const auto& a = rsa_root();
    BOOST_CHECK_EQUAL(a.name(), "RSA");
    const auto path = write_root(dir, a);
    BOOST_CHECK(
        must_run("openssl verify -CAfile " + path.string() + " " + path.string()).find(": OK") !=
        std::string::npos);
    const auto text = must_run("openssl x509 -in " + path.string() + " -noout -text");
    check_root_text(text);
    BOOST_CHECK(text.find("Signature Algorithm: sha256WithRSAEncryption") != std::string::npos);
    BOOST_CHECK(text.find("Public-Key: (2048 bit)") != std::string::npos);
    BOOST_CHECK(text.find("Subject: CN = LocalCA RSA Root CA, O = LocalCA") != std::string::npos);
    BOOST_CHECK(text.find("Issuer: CN = LocalCA RSA Root CA, O = LocalCA") != std::string::npos);
    // SKI == AKI keyid.
    BOOST_CHECK(a.cert().subject_key_id() == a.cert().authority_key_id());
    BOOST_CHECK_EQUAL(a.cert().subject_key_id().size(), 20u);
    // 3650 days exactly, positive serial of 128 bits.
    BOOST_CHECK_EQUAL(a.cert().not_after().time_since_epoch() -
                          a.cert().not_before().time_since_epoch(),
                      3650ull * 86400);
    BOOST_CHECK_EQUAL(a.cert().serial_number().size(), 16u);
    BOOST_CHECK(a.cert_pem().rfind("-----BEGIN CERTIFICATE-----\n", 0) == 0);
}

BOOST_AUTO_TEST_CASE(ecc_root_as_specified) {
    temp_dir dir;
    const auto& a = ecc_root();
    BOOST_CHECK_EQUAL(a.name(), "ECC");
    const auto path = write_root(dir, a);
    BOOST_CHECK(
        must_run("openssl verify -CAfile " + path.string() + " " + path.string()).find(": OK") !=
        std::string::npos);
    const auto text = must_run("openssl x509 -in " + path.string() + " -noout -text");
    check_root_text(text);
    BOOST_CHECK(text.find("Signature Algorithm: ecdsa-with-SHA256") != std::string::npos);
    BOOST_CHECK(text.find("ASN1 OID: prime256v1") != std::string::npos);
    BOOST_CHECK(text.find("Subject: CN = LocalCA ECC Root CA, O = LocalCA") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(subject_and_validity_from_options) {
    temp_dir dir;
    ca::authority_options opts{"C=DE, O=Acme\\, Inc., OU=PKI, CN=Test Root \xc3\xa9", 10};
    const auto a = ca::authority::create(ca::authority_kind::ecc, opts, ca::thread_rng(),
                                         ca::real_time()->now());
    const auto path = write_root(dir, a);
    const auto subject = must_run("openssl x509 -in " + path.string() +
                                  " -noout -subject -nameopt RFC2253,-esc_msb");
    // RFC 2253 prints the last RDN first.
    BOOST_CHECK_EQUAL(subject, "subject=CN=Test Root \xc3\xa9,OU=PKI,O=Acme\\, Inc.,C=DE\n");
    BOOST_CHECK_EQUAL(a.cert().not_after().time_since_epoch() -
                          a.cert().not_before().time_since_epoch(),
                      10ull * 86400);
    const auto asn1 = must_run("openssl asn1parse -in " + path.string());
    BOOST_CHECK(asn1.find("PRINTABLESTRING   :DE") != std::string::npos);
    BOOST_CHECK(asn1.find("UTF8STRING        :Test Root") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bad_options_throw) {
    auto& rng = ca::thread_rng();
    BOOST_CHECK_THROW(
        ca::authority::create(ca::authority_kind::ecc, {"CN=x", 0}, rng, ca::real_time()->now()),
        std::invalid_argument);
    BOOST_CHECK_THROW(ca::authority::create(ca::authority_kind::ecc, {"nonsense", 10}, rng,
                                            ca::real_time()->now()),
                      std::invalid_argument);
    BOOST_CHECK_THROW(
        ca::authority::create(ca::authority_kind::ecc, {"XX=y", 10}, rng, ca::real_time()->now()),
        std::invalid_argument);
    BOOST_CHECK_THROW(ca::authority::create(ca::authority_kind::ecc, {"C=Germany", 10}, rng,
                                            ca::real_time()->now()),
                      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(key_must_match_certificate) {
    const auto& a = ecc_root();
    const auto b = ca::authority::create(ca::authority_kind::ecc, ca::options{}.ecc,
                                         ca::thread_rng(), ca::real_time()->now());
    auto copy_key = [](const Botan::Private_Key& k) {
        const auto der = Botan::PKCS8::BER_encode(k);
        Botan::DataSource_Memory src(der);
        return Botan::PKCS8::load_key(src);
    };
    BOOST_CHECK_NO_THROW(ca::authority(ca::authority_kind::ecc, a.cert(), copy_key(a.key())));
    BOOST_CHECK_THROW(ca::authority(ca::authority_kind::ecc, a.cert(), copy_key(b.key())),
                      std::runtime_error);
    // Right key, wrong kind.
    BOOST_CHECK_THROW(ca::authority(ca::authority_kind::rsa, a.cert(), copy_key(a.key())),
                      std::runtime_error);
}

BOOST_AUTO_TEST_CASE(signers_are_per_thread) {
    for (const ca::authority* a : {&rsa_root(), &ecc_root()}) {
        std::atomic<int> good{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                Botan::PK_Signer* first = &a->signer();
                for (int i = 0; i < 20; ++i) {
                    BOOST_CHECK(&a->signer() == first); // cached for the thread
                    const std::string msg =
                        "message " + std::to_string(t) + "/" + std::to_string(i);
                    const auto sig =
                        a->signer().sign_message(reinterpret_cast<const std::uint8_t*>(msg.data()),
                                                 msg.size(), ca::signing_rng());
                    const bool rsa = a->kind() == ca::authority_kind::rsa;
                    auto pub = a->cert().load_subject_public_key();
                    Botan::PK_Verifier v(*pub, rsa ? "EMSA3(SHA-256)" : "EMSA1(SHA-256)",
                                         rsa ? Botan::IEEE_1363 : Botan::DER_SEQUENCE);
                    if (v.verify_message(reinterpret_cast<const std::uint8_t*>(msg.data()),
                                         msg.size(), sig.data(), sig.size())) {
                        ++good;
                    }
                }
            });
        }
        for (auto& th : threads) {
            th.join();
        }
        BOOST_CHECK_EQUAL(good.load(), 80);
    }
}

// Signing RNGs are per thread (ChaCha_RNG is not thread-safe) and seeded independently from the
// system RNG: two threads never draw the same blinding values, and a thread always gets its own.
BOOST_AUTO_TEST_CASE(signing_rngs_are_per_thread_and_independent) {
    constexpr std::size_t k_threads = 4;
    std::vector<std::vector<std::uint8_t>> draws(k_threads);
    std::vector<Botan::RandomNumberGenerator*> rngs(k_threads);
    std::array<bool, k_threads> fine{};
    // Every thread stays alive until all have drawn, so no thread-local RNG is destroyed and its
    // address reused while another thread looks.
    std::latch drawn(k_threads);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            rngs[t] = &ca::signing_rng();
            const auto v = rngs[t]->random_vec(32);
            draws[t].assign(v.begin(), v.end());
            // Seeded from the system RNG on first use; the same object for the whole thread.
            fine[t] = rngs[t]->is_seeded() && &ca::signing_rng() == rngs[t] &&
                      rngs[t] != &ca::thread_rng();
            drawn.arrive_and_wait();
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    BOOST_CHECK(std::all_of(fine.begin(), fine.end(), [](bool b) { return b; }));
    for (std::size_t a = 0; a < k_threads; ++a) {
        for (std::size_t b = a + 1; b < k_threads; ++b) {
            BOOST_CHECK(rngs[a] != rngs[b]);
            BOOST_CHECK(draws[a] != draws[b]);
        }
    }
}

BOOST_AUTO_TEST_CASE(signer_follows_the_authority_not_the_address) {
    // Authorities created and destroyed in a row may reuse addresses; each must sign with its
    // own key.
    for (int i = 0; i < 3; ++i) {
        auto a = std::make_unique<ca::authority>(ca::authority::create(
            ca::authority_kind::ecc, ca::options{}.ecc, ca::thread_rng(), ca::real_time()->now()));
        const std::string msg = "x";
        const auto sig = a->signer().sign_message(reinterpret_cast<const std::uint8_t*>(msg.data()),
                                                  msg.size(), ca::thread_rng());
        auto pub = a->cert().load_subject_public_key();
        Botan::PK_Verifier v(*pub, "EMSA1(SHA-256)", Botan::DER_SEQUENCE);
        BOOST_CHECK(v.verify_message(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size(),
                                     sig.data(), sig.size()));
    }
}

BOOST_AUTO_TEST_SUITE_END()
