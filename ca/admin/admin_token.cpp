#include "ca/admin/admin_token.hpp"

#include "ca/fingerprint.hpp"

#include <botan/auto_rng.h>
#include <botan/hex.h>

namespace localca::ca::admin {

const char* to_string(role r) {
    return r == role::operator_role ? "operator" : "viewer";
}

std::optional<role> parse_role(std::string_view s) {
    if (s == "viewer") {
        return role::viewer;
    }
    if (s == "operator") {
        return role::operator_role;
    }
    return std::nullopt;
}

std::string new_token() {
    Botan::AutoSeeded_RNG rng;
    const auto bytes = rng.random_vec(32);
    return "lcadm_" + Botan::hex_encode(bytes.data(), bytes.size(), false);
}

std::vector<std::uint8_t> token_digest(std::string_view token) {
    return sha256(token);
}

} // namespace localca::ca::admin
