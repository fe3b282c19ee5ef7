#include "ca/emca/aes.hpp"

#include "ca/authority.hpp"

#include <botan/block_cipher.h>
#include <botan/cipher_mode.h>

#include <stdexcept>
#include <string>

namespace localca::ca::emca {

namespace {

constexpr std::size_t k_block = 16;
constexpr std::size_t k_cbc_iv = 16;
constexpr std::size_t k_gcm_nonce = 12;
constexpr std::size_t k_gcm_tag = 16;

error bad_input(const std::string& detail) {
    return make_error(errc::decryption_failed, "cannot decrypt", detail);
}

void check_key(std::span<const std::uint8_t> key) {
    if (key.size() != k_aes_key_bytes) {
        throw std::invalid_argument("AES-256 key must be 32 bytes, not " +
                                    std::to_string(key.size()));
    }
}

// Botan 2.19 has no ECB mode object: the block cipher over each block, PKCS#7 by hand.
result<std::vector<std::uint8_t>> ecb_decrypt(std::span<const std::uint8_t> key,
                                              std::span<const std::uint8_t> data) {
    if (data.empty() || data.size() % k_block != 0) {
        return bad_input("ECB ciphertext is not a non-empty multiple of 16 bytes");
    }
    auto aes = Botan::BlockCipher::create_or_throw("AES-256");
    aes->set_key(key.data(), key.size());
    std::vector<std::uint8_t> out(data.begin(), data.end());
    aes->decrypt_n(out.data(), out.data(), out.size() / k_block);
    const std::size_t pad = out.back();
    bool ok = pad >= 1 && pad <= k_block;
    for (std::size_t i = 0; ok && i < pad; ++i) {
        ok = out[out.size() - 1 - i] == pad;
    }
    if (!ok) {
        return bad_input("bad PKCS#7 padding");
    }
    out.resize(out.size() - pad);
    return out;
}

std::vector<std::uint8_t> ecb_encrypt(std::span<const std::uint8_t> key,
                                      std::span<const std::uint8_t> plain) {
    auto aes = Botan::BlockCipher::create_or_throw("AES-256");
    aes->set_key(key.data(), key.size());
    std::vector<std::uint8_t> out(plain.begin(), plain.end());
    const std::size_t pad = k_block - out.size() % k_block;
    out.insert(out.end(), pad, static_cast<std::uint8_t>(pad));
    aes->encrypt_n(out.data(), out.data(), out.size() / k_block);
    return out;
}

const char* botan_name(aes_mode mode) {
    return mode == aes_mode::cbc ? "AES-256/CBC/PKCS7" : "AES-256/GCM";
}

std::size_t iv_size(aes_mode mode) {
    return mode == aes_mode::cbc ? k_cbc_iv : k_gcm_nonce;
}

} // namespace

const char* to_string(aes_mode mode) {
    switch (mode) {
    case aes_mode::ecb:
        return "ECB";
    case aes_mode::cbc:
        return "CBC";
    case aes_mode::gcm:
        return "GCM";
    }
    return "ECB";
}

std::optional<aes_mode> parse_aes_mode(std::string_view name) {
    std::string upper(name);
    for (auto& c : upper) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    for (auto m : {aes_mode::ecb, aes_mode::cbc, aes_mode::gcm}) {
        if (upper == to_string(m)) {
            return m;
        }
    }
    return std::nullopt;
}

result<std::vector<std::uint8_t>> aes256_decrypt(aes_mode mode, std::span<const std::uint8_t> key,
                                                 std::span<const std::uint8_t> data) {
    check_key(key);
    if (mode == aes_mode::ecb) {
        return ecb_decrypt(key, data);
    }
    const std::size_t iv = iv_size(mode);
    const std::size_t min_body = mode == aes_mode::cbc ? k_block : k_gcm_tag;
    if (data.size() < iv + min_body ||
        (mode == aes_mode::cbc && (data.size() - iv) % k_block != 0)) {
        return bad_input(std::string(to_string(mode)) + " ciphertext has the wrong size");
    }
    try {
        auto cipher = Botan::Cipher_Mode::create_or_throw(botan_name(mode), Botan::DECRYPTION);
        cipher->set_key(key.data(), key.size());
        cipher->start(data.data(), iv);
        Botan::secure_vector<std::uint8_t> buf(data.begin() + iv, data.end());
        cipher->finish(buf);
        return std::vector<std::uint8_t>(buf.begin(), buf.end());
    } catch (const Botan::Exception& e) {
        // Bad padding or a GCM tag mismatch: the caller used another key or mangled the data.
        return bad_input(e.what());
    }
}

std::vector<std::uint8_t> aes256_encrypt(aes_mode mode, std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> plain) {
    check_key(key);
    if (mode == aes_mode::ecb) {
        return ecb_encrypt(key, plain);
    }
    auto cipher = Botan::Cipher_Mode::create_or_throw(botan_name(mode), Botan::ENCRYPTION);
    cipher->set_key(key.data(), key.size());
    std::vector<std::uint8_t> out(iv_size(mode));
    thread_rng().randomize(out.data(), out.size());
    cipher->start(out.data(), out.size());
    Botan::secure_vector<std::uint8_t> buf(plain.begin(), plain.end());
    cipher->finish(buf);
    out.insert(out.end(), buf.begin(), buf.end());
    return out;
}

} // namespace localca::ca::emca
