// secret_box: AES-256-GCM sealing of the secrets at rest, opened by python3-cryptography as the
// independent counterpart.
#include "ca/emca/aes_key_secret.hpp"
#include "ca/enos/app_secret.hpp"
#include "ca/secret_box.hpp"
#include "test_support.hpp"

#include <botan/hex.h>

#include <cstdlib>

using namespace localca;
using localca::test::must_run;
using localca::test::temp_dir;

namespace {

std::vector<std::uint8_t> key_of_secret_box(std::uint8_t fill) {
    return std::vector<std::uint8_t>(ca::k_secret_key_bytes, fill);
}

std::vector<std::uint8_t> bytes_secret_box(const std::string& s) {
    return {s.begin(), s.end()};
}

std::string text(const Botan::secure_vector<std::uint8_t>& v) {
    return {v.begin(), v.end()};
}

// True when opening throws secret_box_error whose message names the context.
bool refused_secret_box(const ca::secret_box& box, const std::vector<std::uint8_t>& sealed,
                        const std::string& context) {
    try {
        box.open(sealed, context);
    } catch (const ca::secret_box_error& e) {
        return std::string(e.what()).find(context) != std::string::npos;
    }
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(secret_box)

BOOST_AUTO_TEST_CASE(python_cryptography_opens_what_it_seals) {
    temp_dir dir;
    const auto key = key_of_secret_box(0x42);
    const ca::secret_box box(key);
    const auto context = ca::enos::app_secret_context("ak-1");
    const auto sealed = ca::seal_text(box, "sk-clear-value", context);
    // version 1 || nonce (12) || ciphertext || tag (16); AD = version || context.
    const auto clear = must_run(
        "python3 -c 'import sys\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM\n"
        "k, v, ctx = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), "
        "sys.argv[3]\n"
        "assert v[0] == 1\n"
        "sys.stdout.write(AESGCM(k).decrypt(v[1:13], v[13:], bytes([1]) + "
        "ctx.encode()).decode())' " +
        Botan::hex_encode(key) + " " + Botan::hex_encode(sealed) + " " + context);
    BOOST_TEST(clear == "sk-clear-value");
    BOOST_TEST(ca::open_text(box, sealed, context) == "sk-clear-value");
}

BOOST_AUTO_TEST_CASE(each_seal_has_its_own_nonce) {
    const ca::secret_box box(key_of_secret_box(1));
    const auto a = ca::seal_text(box, "same", "c");
    const auto b = ca::seal_text(box, "same", "c");
    BOOST_TEST(a != b);
    BOOST_TEST(ca::open_text(box, a, "c") == "same");
    BOOST_TEST(ca::open_text(box, b, "c") == "same");
}

BOOST_AUTO_TEST_CASE(any_changed_byte_is_refused) {
    const ca::secret_box box(key_of_secret_box(2));
    const auto context = ca::emca::aes_key_context("user1");
    const auto clear = key_of_secret_box(7);
    const auto sealed = box.seal(clear, context);
    BOOST_TEST(text(box.open(sealed, context)) == std::string(clear.begin(), clear.end()));
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto tampered = sealed;
        tampered[i] ^= 0x01;
        BOOST_TEST(refused_secret_box(box, tampered, context), "byte " << i);
    }
    auto truncated = sealed;
    truncated.pop_back();
    BOOST_TEST(refused_secret_box(box, truncated, context));
    BOOST_TEST(refused_secret_box(box, {}, context));
}

BOOST_AUTO_TEST_CASE(a_value_copied_to_another_row_is_refused) {
    const ca::secret_box box(key_of_secret_box(3));
    const auto sealed = ca::seal_text(box, "sk-1", ca::enos::app_secret_context("ak-1"));
    BOOST_TEST(refused_secret_box(box, sealed, ca::enos::app_secret_context("ak-2")));
    BOOST_TEST(refused_secret_box(box, sealed, ca::emca::aes_key_context("ak-1")));
}

BOOST_AUTO_TEST_CASE(another_key_is_refused) {
    const ca::secret_box box(key_of_secret_box(4));
    const ca::secret_box other(key_of_secret_box(5));
    const auto sealed = ca::seal_text(box, "sk-1", "c");
    BOOST_TEST(refused_secret_box(other, sealed, "c"));
    BOOST_CHECK_THROW(ca::secret_box(std::vector<std::uint8_t>(16, 1)), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(reseal_keeps_an_unchanged_value) {
    const ca::secret_box box(key_of_secret_box(6));
    const auto current = ca::seal_text(box, "sk-1", "c");
    BOOST_TEST(ca::reseal(box, &current, bytes_secret_box("sk-1"), "c") == current);
    const auto changed = ca::reseal(box, &current, bytes_secret_box("sk-2"), "c");
    BOOST_TEST(changed != current);
    BOOST_TEST(ca::open_text(box, changed, "c") == "sk-2");
    BOOST_TEST(ca::open_text(box, ca::reseal(box, nullptr, bytes_secret_box("sk-3"), "c"), "c") ==
               "sk-3");
}

BOOST_AUTO_TEST_SUITE_END()
