#pragma once
// AES-256 for request envelopes encrypted with a key shared with an API client. Three layouts:
//   ecb: PKCS#7 padding, no IV (what Java's Cipher.getInstance("AES") gives)
//   cbc: 16-byte IV || ciphertext, PKCS#7 padding
//   gcm: 12-byte nonce || ciphertext || 16-byte tag
#include "ca/errc.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace localca::ca::emca {

enum class aes_mode { ecb, cbc, gcm };

// "ECB" / "CBC" / "GCM".
const char* to_string(aes_mode mode);
// Case-insensitive; nullopt for anything else.
std::optional<aes_mode> parse_aes_mode(std::string_view name);

inline constexpr std::size_t k_aes_key_bytes = 32;

// Errors: decryption_failed (wrong size, bad padding, GCM tag mismatch). Throws
// std::invalid_argument if the key is not 32 bytes (a registration bug, not the caller's).
result<std::vector<std::uint8_t>> aes256_decrypt(aes_mode mode, std::span<const std::uint8_t> key,
                                                 std::span<const std::uint8_t> data);

// The inverse, with a random IV/nonce (for tests and tools).
std::vector<std::uint8_t> aes256_encrypt(aes_mode mode, std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> plain);

} // namespace localca::ca::emca
