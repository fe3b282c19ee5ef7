// ca::verify_rsa_pkcs1_sha256 / decode_rsa_public_key: our division-free RSA verification must
// agree with the openssl CLI's signatures and with Botan's own verifier, accept nothing else, and
// apply the RSA key policy.
#include "ca/rsa_verify.hpp"
#include "test_support.hpp"

#include <botan/auto_rng.h>
#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include <string>
#include <vector>

using namespace localca;
using localca::test::must_run;
using localca::test::temp_dir;

namespace {

using byte_vector = std::vector<std::uint8_t>;

byte_vector bytes_of(const std::string& s) {
    return {s.begin(), s.end()};
}

// The RSAPublicKey inside a DER SubjectPublicKeyInfo.
byte_vector rsa_public_key_of_spki(const byte_vector& spki) {
    Botan::AlgorithmIdentifier alg;
    byte_vector key;
    Botan::BER_Decoder(spki)
        .start_cons(Botan::SEQUENCE)
        .decode(alg)
        .decode(key, Botan::BIT_STRING)
        .end_cons();
    return key;
}

byte_vector rsa_public_key_der(const Botan::BigInt& n, const Botan::BigInt& e) {
    byte_vector out;
    Botan::DER_Encoder(out).start_cons(Botan::SEQUENCE).encode(n).encode(e).end_cons();
    return out;
}

ca::rsa_public_numbers numbers_of(const byte_vector& rsa_public_key) {
    auto check = ca::decode_rsa_public_key(rsa_public_key);
    BOOST_REQUIRE_MESSAGE(check.key.has_value(), check.refusal);
    return *check.key;
}

// A key, a message and its signature made by the openssl CLI.
struct openssl_signed {
    byte_vector rsa_public_key;
    byte_vector message;
    byte_vector signature;
};

openssl_signed openssl_sign(const temp_dir& dir, const std::string& stem, const std::string& exp,
                            const std::string& digest = "sha256", const std::string& extra = "") {
    const auto key = (dir / (stem + ".key")).string();
    const auto msg = (dir / (stem + ".msg")).string();
    const auto sig = (dir / (stem + ".sig")).string();
    const auto pub = (dir / (stem + ".pub.der")).string();
    must_run("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt "
             "rsa_keygen_pubexp:" +
             exp + " -out " + key + " 2>/dev/null");
    must_run("openssl rand -out " + msg + " 777");
    must_run("openssl dgst -" + digest + " " + extra + " -sign " + key + " -out " + sig + " " +
             msg);
    must_run("openssl pkey -in " + key + " -pubout -outform DER -out " + pub);
    openssl_signed s;
    s.rsa_public_key = rsa_public_key_of_spki(bytes_of(localca::test::read_file(pub)));
    s.message = bytes_of(localca::test::read_file(msg));
    s.signature = bytes_of(localca::test::read_file(sig));
    return s;
}

bool botan_verifies(const byte_vector& rsa_public_key, const byte_vector& message,
                    const byte_vector& signature) {
    Botan::BigInt n;
    Botan::BigInt e;
    Botan::BER_Decoder(rsa_public_key).start_cons(Botan::SEQUENCE).decode(n).decode(e).end_cons();
    const Botan::RSA_PublicKey key(n, e);
    Botan::PK_Verifier verifier(key, "EMSA3(SHA-256)");
    return verifier.verify_message(message, signature);
}

} // namespace

BOOST_AUTO_TEST_SUITE(rsa_verify)

BOOST_AUTO_TEST_CASE(openssl_signatures_verify_and_tampering_fails) {
    temp_dir dir;
    for (const std::string exp : {"65537", "3", "4294967291"}) {
        const auto s = openssl_sign(dir, "k" + exp, exp);
        const auto key = numbers_of(s.rsa_public_key);
        BOOST_TEST_CONTEXT("e=" << exp) {
            BOOST_CHECK_EQUAL(std::to_string(key.exponent), exp);
            BOOST_CHECK(ca::verify_rsa_pkcs1_sha256(key, s.message, s.signature));
            BOOST_CHECK(botan_verifies(s.rsa_public_key, s.message, s.signature));

            for (const std::size_t at :
                 {std::size_t(0), s.message.size() / 2, s.message.size() - 1}) {
                auto m = s.message;
                m[at] ^= 0x01;
                BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(key, m, s.signature));
            }
            for (const std::size_t at : {std::size_t(0), std::size_t(128), std::size_t(255)}) {
                auto sig = s.signature;
                sig[at] ^= 0x80;
                BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(key, s.message, sig));
                BOOST_CHECK_EQUAL(ca::verify_rsa_pkcs1_sha256(key, s.message, sig),
                                  botan_verifies(s.rsa_public_key, s.message, sig));
            }
            // Out of range: s = n, s > n, empty, longer than the modulus.
            BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(key, s.message, key.modulus));
            auto above = key.modulus;
            above.back() += 2;
            BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(key, s.message, above));
            BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(key, s.message, {}));
            auto longer = s.signature;
            longer.insert(longer.begin(), 0x00);
            BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(key, s.message, longer));
        }
    }
}

BOOST_AUTO_TEST_CASE(other_digests_and_paddings_do_not_verify) {
    temp_dir dir;
    const auto sha1 = openssl_sign(dir, "sha1", "65537", "sha1");
    BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(numbers_of(sha1.rsa_public_key), sha1.message,
                                             sha1.signature));
    const auto sha384 = openssl_sign(dir, "sha384", "65537", "sha384");
    BOOST_CHECK(!ca::verify_rsa_pkcs1_sha256(numbers_of(sha384.rsa_public_key), sha384.message,
                                             sha384.signature));
    const auto pss = openssl_sign(dir, "pss", "65537", "sha256",
                                  "-sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32");
    BOOST_CHECK(
        !ca::verify_rsa_pkcs1_sha256(numbers_of(pss.rsa_public_key), pss.message, pss.signature));
    BOOST_CHECK(!botan_verifies(pss.rsa_public_key, pss.message, pss.signature));
}

// Many signatures from Botan's signer (with random messages) and random would-be signatures:
// our verifier and Botan's must agree on every one.
BOOST_AUTO_TEST_CASE(agrees_with_botan_on_random_inputs) {
    Botan::AutoSeeded_RNG rng;
    for (const std::size_t e : {std::size_t(65537), std::size_t(3)}) {
        const Botan::RSA_PrivateKey priv(rng, 2048, e);
        const auto rsa_public_key = rsa_public_key_der(priv.get_n(), priv.get_e());
        const auto key = numbers_of(rsa_public_key);
        Botan::PK_Signer signer(priv, rng, "EMSA3(SHA-256)");
        for (int i = 0; i < 40; ++i) {
            auto message = rng.random_vec(1 + rng.next_byte() % 200);
            std::vector<std::uint8_t> msg(message.begin(), message.end());
            const auto sig = signer.sign_message(msg, rng);
            BOOST_CHECK(ca::verify_rsa_pkcs1_sha256(key, msg, sig));
            auto random_sig = rng.random_vec(256);
            random_sig[0] &= 0x7f; // below n most of the time
            std::vector<std::uint8_t> rs(random_sig.begin(), random_sig.end());
            BOOST_CHECK_EQUAL(ca::verify_rsa_pkcs1_sha256(key, msg, rs),
                              botan_verifies(rsa_public_key, msg, rs));
        }
    }
}

BOOST_AUTO_TEST_CASE(key_policy) {
    Botan::AutoSeeded_RNG rng;
    const Botan::RSA_PrivateKey small(rng, 1024);
    auto check = ca::decode_rsa_public_key(rsa_public_key_der(small.get_n(), small.get_e()));
    BOOST_CHECK(!check.key);
    BOOST_CHECK_NE(check.refusal.find("1024 bits"), std::string::npos);

    const Botan::RSA_PrivateKey priv(rng, 2048);
    const auto& n = priv.get_n();
    for (const Botan::BigInt& e :
         {Botan::BigInt(1), Botan::BigInt(65536), Botan::BigInt::power_of_2(32) + 1, n - 2}) {
        check = ca::decode_rsa_public_key(rsa_public_key_der(n, e));
        BOOST_CHECK_MESSAGE(!check.key, "exponent of " << e.bits() << " bits accepted");
        BOOST_CHECK_NE(check.refusal.find("exponent"), std::string::npos);
    }
    check = ca::decode_rsa_public_key(rsa_public_key_der(n + 1, 65537)); // even modulus
    BOOST_CHECK(!check.key);

    // Not an RSAPublicKey at all: negative modulus, trailing bytes, truncation.
    BOOST_CHECK_THROW(ca::decode_rsa_public_key(rsa_public_key_der(-n, 65537)),
                      std::invalid_argument);
    auto trailing = rsa_public_key_der(n, 65537);
    trailing.push_back(0);
    BOOST_CHECK_THROW(ca::decode_rsa_public_key(trailing), std::invalid_argument);
    auto truncated = rsa_public_key_der(n, 65537);
    truncated.pop_back();
    BOOST_CHECK_THROW(ca::decode_rsa_public_key(truncated), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
