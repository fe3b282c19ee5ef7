#pragma once
// Passwords of registered API users: stored as salted Argon2id hashes (PHC strings), never in
// clear. Verifying costs ~50 ms and 19 MiB on purpose: worker threads only.
#include <string>
#include <string_view>

namespace localca::ca::emca {

std::string hash_password(std::string_view password);
// False for a wrong password or a hash we cannot read.
bool verify_password(std::string_view password, const std::string& hash);

} // namespace localca::ca::emca
