#include "ca/fingerprint.hpp"

#include <botan/hash.h>
#include <botan/hex.h>

namespace localca::ca {

std::vector<std::uint8_t> sha256(const std::uint8_t* data, std::size_t size) {
    auto hash = Botan::HashFunction::create_or_throw("SHA-256");
    hash->update(data, size);
    const auto out = hash->final();
    return {out.begin(), out.end()};
}

std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> data) {
    return sha256(data.data(), data.size());
}

std::vector<std::uint8_t> sha256(std::string_view text) {
    return sha256(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

std::string sha256_hex(std::string_view text) {
    const auto digest = sha256(text);
    return Botan::hex_encode(digest.data(), digest.size(), false);
}

std::string certificate_id(const std::vector<std::uint8_t>& der) {
    return sha256_hex(std::string_view(reinterpret_cast<const char*>(der.data()), der.size()));
}

} // namespace localca::ca
