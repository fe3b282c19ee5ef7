#include "ca/emca/password.hpp"

#include "ca/argon2id.hpp"
#include "ca/authority.hpp"

#include <botan/argon2.h>

namespace localca::ca::emca {

namespace {

constexpr std::uint8_t k_argon2id_family = 2; // Botan's family number of Argon2id

} // namespace

std::string hash_password(std::string_view password) {
    return Botan::argon2_generate_pwhash(password.data(), password.size(), thread_rng(),
                                         k_argon2id.lanes, k_argon2id.memory_kib, k_argon2id.passes,
                                         k_argon2id_family);
}

bool verify_password(std::string_view password, const std::string& hash) {
    try {
        return Botan::argon2_check_pwhash(password.data(), password.size(), hash);
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace localca::ca::emca
