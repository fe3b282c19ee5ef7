#pragma once
// SHA-256 digests of certificates and secrets.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace localca::ca {

std::vector<std::uint8_t> sha256(const std::uint8_t* data, std::size_t size);
std::vector<std::uint8_t> sha256(std::span<const std::uint8_t> data);
std::vector<std::uint8_t> sha256(std::string_view text);
// Lowercase hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view text);

// Lowercase hex SHA-256 of a certificate's DER: its fingerprint, and the certificate id of the
// AWS IoT style APIs (same as `openssl x509 -outform DER | sha256sum`).
std::string certificate_id(const std::vector<std::uint8_t>& der);

} // namespace localca::ca
