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

std::vector<std::uint8_t> sha256(std::string_view text) {
    return sha256(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

std::string certificate_id(const std::vector<std::uint8_t>& der) {
    const auto digest = sha256(der.data(), der.size());
    return Botan::hex_encode(digest.data(), digest.size(), false);
}

} // namespace localca::ca
