#pragma once
// The MAC the EnOS gateway's tokens are built on (SHA-256 and the secret comparison are the CA's:
// ca/fingerprint.hpp, ca/constant_time.hpp).
#include <string>
#include <string_view>
#include <vector>

namespace localca::server::enos {

// Lowercase hex HMAC-SHA-256.
std::string hmac_sha256_hex(const std::vector<unsigned char>& key, std::string_view data);

} // namespace localca::server::enos
