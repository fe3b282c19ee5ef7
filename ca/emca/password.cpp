#include "ca/emca/password.hpp"

#include "ca/authority.hpp"

#include <botan/argon2.h>

namespace localca::ca::emca {

namespace {

// OWASP's Argon2id minimum: 19 MiB, 2 passes, 1 lane.
constexpr std::size_t k_memory_kib = 19456;
constexpr std::size_t k_passes = 2;
constexpr std::size_t k_lanes = 1;
constexpr std::uint8_t k_argon2id = 2;

} // namespace

std::string hash_password(std::string_view password) {
    return Botan::argon2_generate_pwhash(password.data(), password.size(), thread_rng(), k_lanes,
                                         k_memory_kib, k_passes, k_argon2id);
}

bool verify_password(std::string_view password, const std::string& hash) {
    try {
        return Botan::argon2_check_pwhash(password.data(), password.size(), hash);
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace localca::ca::emca
