#include "server/enos/crypto.hpp"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>

namespace localca::server::enos {

std::string sha256_hex(std::string_view data) {
    auto h = Botan::HashFunction::create_or_throw("SHA-256");
    h->update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return Botan::hex_encode(h->final(), false);
}

std::string hmac_sha256_hex(const std::vector<unsigned char>& key, std::string_view data) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key.data(), key.size());
    mac->update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
    return Botan::hex_encode(mac->final(), false);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    }
    return diff == 0;
}

} // namespace localca::server::enos
