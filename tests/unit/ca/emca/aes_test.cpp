// aes256_decrypt(): the three envelope layouts, checked against `openssl enc` (ECB, CBC) and
// our own encrypt (GCM), and refusals (wrong key, bad padding, bad sizes, GCM tag).
#include "ca/emca/aes.hpp"
#include "test_support.hpp"

#include <botan/hex.h>

#include <string>
#include <vector>

using namespace localca;
using localca::test::must_run;
using localca::test::read_file;
using localca::test::temp_dir;

namespace {

std::vector<std::uint8_t> key_of(std::uint8_t seed) {
    std::vector<std::uint8_t> k(32);
    for (std::size_t i = 0; i < k.size(); ++i) {
        k[i] = static_cast<std::uint8_t>(seed + i * 7);
    }
    return k;
}

std::vector<std::uint8_t> bytes(const std::string& s) {
    return {s.begin(), s.end()};
}

bool refused(const ca::result<std::vector<std::uint8_t>>& r) {
    return !r.ok() && r.err().code == ca::errc::decryption_failed;
}

} // namespace

BOOST_AUTO_TEST_SUITE(aes)

BOOST_AUTO_TEST_CASE(openssl_enc_ecb_and_cbc_decrypt) {
    temp_dir dir;
    const auto key = key_of(3);
    const std::string plain = R"({"userName":"app1","password":"p","applicationId":"a1"})";
    std::ofstream(dir / "plain.json", std::ios::binary) << plain;
    const auto hex_key = Botan::hex_encode(key);
    must_run("openssl enc -aes-256-ecb -K " + hex_key + " -in " + (dir / "plain.json").string() +
             " -out " + (dir / "ecb.bin").string());
    auto r =
        ca::emca::aes256_decrypt(ca::emca::aes_mode::ecb, key, bytes(read_file(dir / "ecb.bin")));
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.err().detail));
    BOOST_TEST(r.value() == bytes(plain));

    const std::string iv = "000102030405060708090a0b0c0d0e0f";
    must_run("openssl enc -aes-256-cbc -K " + hex_key + " -iv " + iv + " -in " +
             (dir / "plain.json").string() + " -out " + (dir / "cbc.bin").string());
    auto data = Botan::hex_decode(iv);
    const auto body = bytes(read_file(dir / "cbc.bin"));
    data.insert(data.end(), body.begin(), body.end());
    r = ca::emca::aes256_decrypt(ca::emca::aes_mode::cbc, key, data);
    BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.err().detail));
    BOOST_TEST(r.value() == bytes(plain));
}

BOOST_AUTO_TEST_CASE(round_trip_every_mode_and_length) {
    const auto key = key_of(9);
    for (auto mode : {ca::emca::aes_mode::ecb, ca::emca::aes_mode::cbc, ca::emca::aes_mode::gcm}) {
        for (std::size_t n : {0u, 1u, 15u, 16u, 17u, 1000u}) {
            const std::vector<std::uint8_t> plain(n, static_cast<std::uint8_t>(n));
            const auto c = ca::emca::aes256_encrypt(mode, key, plain);
            const auto r = ca::emca::aes256_decrypt(mode, key, c);
            BOOST_TEST_REQUIRE(r.ok(), ca::emca::to_string(mode) << " " << n);
            BOOST_TEST(r.value() == plain);
        }
    }
}

BOOST_AUTO_TEST_CASE(refusals) {
    const auto key = key_of(1);
    const auto other = key_of(2);
    const auto plain = bytes("{\"a\":1}");
    // GCM authenticates: a wrong key or a flipped bit is always refused.
    auto gcm = ca::emca::aes256_encrypt(ca::emca::aes_mode::gcm, key, plain);
    BOOST_TEST(refused(ca::emca::aes256_decrypt(ca::emca::aes_mode::gcm, other, gcm)));
    gcm[gcm.size() / 2] ^= 1;
    BOOST_TEST(refused(ca::emca::aes256_decrypt(ca::emca::aes_mode::gcm, key, gcm)));
    BOOST_TEST(refused(
        ca::emca::aes256_decrypt(ca::emca::aes_mode::gcm, key, std::vector<std::uint8_t>(27))));
    // ECB / CBC: sizes, and padding (a wrong key gives bad padding with probability ~255/256;
    // this key pair is fixed, so the test is deterministic).
    BOOST_TEST(refused(ca::emca::aes256_decrypt(ca::emca::aes_mode::ecb, key, {})));
    BOOST_TEST(refused(
        ca::emca::aes256_decrypt(ca::emca::aes_mode::ecb, key, std::vector<std::uint8_t>(17))));
    BOOST_TEST(refused(
        ca::emca::aes256_decrypt(ca::emca::aes_mode::cbc, key, std::vector<std::uint8_t>(16))));
    BOOST_TEST(refused(
        ca::emca::aes256_decrypt(ca::emca::aes_mode::cbc, key, std::vector<std::uint8_t>(40))));
    const auto ecb = ca::emca::aes256_encrypt(ca::emca::aes_mode::ecb, key, plain);
    const auto wrong = ca::emca::aes256_decrypt(ca::emca::aes_mode::ecb, other, ecb);
    BOOST_TEST((!wrong.ok() || wrong.value() != plain));
    BOOST_CHECK_THROW(
        (void)ca::emca::aes256_decrypt(ca::emca::aes_mode::ecb, std::vector<std::uint8_t>(16), ecb),
        std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(mode_names) {
    BOOST_TEST((ca::emca::parse_aes_mode("gcm") == ca::emca::aes_mode::gcm));
    BOOST_TEST((ca::emca::parse_aes_mode("ECB") == ca::emca::aes_mode::ecb));
    BOOST_TEST(!ca::emca::parse_aes_mode("CTR").has_value());
    BOOST_TEST(std::string(ca::emca::to_string(ca::emca::aes_mode::cbc)) == "CBC");
}

BOOST_AUTO_TEST_SUITE_END()
