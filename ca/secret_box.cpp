#include "ca/secret_box.hpp"

#include "ca/authority.hpp"

#include <botan/aead.h>

#include <algorithm>

namespace localca::ca {

namespace {

// Bumped if the layout or the algorithm ever changes; part of the associated data, so a value
// cannot be opened under another version's rules.
constexpr std::uint8_t k_version = 1;
constexpr std::size_t k_nonce_bytes = 12;
constexpr std::size_t k_tag_bytes = 16;

std::vector<std::uint8_t> associated_data(std::string_view context) {
    std::vector<std::uint8_t> ad;
    ad.reserve(1 + context.size());
    ad.push_back(k_version);
    ad.insert(ad.end(), context.begin(), context.end());
    return ad;
}

std::unique_ptr<Botan::AEAD_Mode> gcm(const Botan::secure_vector<std::uint8_t>& key,
                                      Botan::Cipher_Dir dir) {
    auto mode = Botan::AEAD_Mode::create_or_throw("AES-256/GCM", dir);
    mode->set_key(key);
    return mode;
}

} // namespace

secret_box::secret_box(std::span<const std::uint8_t> key) : m_key(key.begin(), key.end()) {
    if (key.size() != k_secret_key_bytes) {
        throw std::invalid_argument("secret_box: the key must be 32 bytes");
    }
}

std::vector<std::uint8_t> secret_box::seal(std::span<const std::uint8_t> plain,
                                           std::string_view context) const {
    // A random 96-bit nonce per value: the number of values sealed under one key stays far below
    // the 2^32 at which random GCM nonces start to risk a collision.
    std::uint8_t nonce[k_nonce_bytes];
    thread_rng().randomize(nonce, sizeof nonce);
    auto mode = gcm(m_key, Botan::ENCRYPTION);
    const auto ad = associated_data(context);
    mode->set_associated_data(ad.data(), ad.size());
    mode->start(nonce, sizeof nonce);
    Botan::secure_vector<std::uint8_t> buf(plain.begin(), plain.end());
    mode->finish(buf);

    std::vector<std::uint8_t> out;
    out.reserve(1 + k_nonce_bytes + buf.size());
    out.push_back(k_version);
    out.insert(out.end(), nonce, nonce + k_nonce_bytes);
    out.insert(out.end(), buf.begin(), buf.end());
    return out;
}

Botan::secure_vector<std::uint8_t> secret_box::open(std::span<const std::uint8_t> sealed,
                                                    std::string_view context) const {
    const auto fail = [&](const char* why) {
        return secret_box_error("cannot open the sealed " + std::string(context) + ": " + why);
    };
    if (sealed.size() < 1 + k_nonce_bytes + k_tag_bytes) {
        throw fail("too short");
    }
    if (sealed[0] != k_version) {
        throw fail("unknown version");
    }
    auto mode = gcm(m_key, Botan::DECRYPTION);
    const auto ad = associated_data(context);
    mode->set_associated_data(ad.data(), ad.size());
    mode->start(sealed.data() + 1, k_nonce_bytes);
    Botan::secure_vector<std::uint8_t> buf(sealed.begin() + 1 + k_nonce_bytes, sealed.end());
    try {
        mode->finish(buf);
    } catch (const Botan::Invalid_Authentication_Tag&) {
        throw fail("tampered with, copied from another row, or sealed under another key");
    }
    return buf;
}

std::vector<std::uint8_t> reseal(const secret_box& box, const std::vector<std::uint8_t>* current,
                                 std::span<const std::uint8_t> plain, std::string_view context) {
    if (current) {
        const auto clear = box.open(*current, context);
        if (std::equal(clear.begin(), clear.end(), plain.begin(), plain.end())) {
            return *current;
        }
    }
    return box.seal(plain, context);
}

std::vector<std::uint8_t> seal_text(const secret_box& box, std::string_view plain,
                                    std::string_view context) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(plain.data());
    return box.seal(std::span(p, plain.size()), context);
}

std::string open_text(const secret_box& box, std::span<const std::uint8_t> sealed,
                      std::string_view context) {
    const auto clear = box.open(sealed, context);
    return std::string(clear.begin(), clear.end());
}

} // namespace localca::ca
