#pragma once
// The Argon2id cost of every passphrase or password the CA derives or hashes (API user passwords,
// the passphrase that opens the sealing key): one definition, so that the two cannot drift.
#include <cstddef>

namespace localca::ca {

struct argon2id_parameters {
    std::size_t memory_kib;
    std::size_t passes;
    std::size_t lanes;
};

// OWASP's Argon2id minimum: 19 MiB, 2 passes, 1 lane (about 50 ms here).
inline constexpr argon2id_parameters k_argon2id{19456, 2, 1};

} // namespace localca::ca
