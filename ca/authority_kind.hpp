#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace localca::ca {

enum class authority_kind { rsa, ecc };

// "RSA" / "ECC" (the names used in the database, URLs and APIs).
const char* to_string(authority_kind kind);
// Case-insensitive "rsa"/"ecc"; nullopt otherwise.
std::optional<authority_kind> parse_authority(std::string_view name);

} // namespace localca::ca
