#include "server/enos/crypto.hpp"

#include <botan/hex.h>
#include <botan/mac.h>

namespace localca::server::enos {

std::string hmac_sha256_hex(const std::vector<unsigned char>& key, std::string_view data) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key.data(), key.size());
    mac->update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return Botan::hex_encode(mac->final(), false);
}

} // namespace localca::server::enos
