#include "ca/authority_kind.hpp"

#include <cctype>

namespace localca::ca {

const char* to_string(authority_kind kind) {
    switch (kind) {
    case authority_kind::rsa: return "RSA";
    case authority_kind::ecc: return "ECC";
    }
    return "unknown";
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

} // namespace

std::optional<authority_kind> parse_authority(std::string_view name) {
    if (iequals(name, "rsa")) {
        return authority_kind::rsa;
    }
    if (iequals(name, "ecc")) {
        return authority_kind::ecc;
    }
    return std::nullopt;
}

} // namespace localca::ca
