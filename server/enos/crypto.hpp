#pragma once
// The hashes the EnOS gateway scheme is built on.
#include <string>
#include <string_view>
#include <vector>

namespace localca::server::enos {

// Lowercase hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view data);
// Lowercase hex HMAC-SHA-256.
std::string hmac_sha256_hex(const std::vector<unsigned char>& key, std::string_view data);
// Comparison in time independent of where the strings differ (secrets, signatures).
bool constant_time_equal(std::string_view a, std::string_view b);

} // namespace localca::server::enos
