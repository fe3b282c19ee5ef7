#include "server/enos/unverified_token.hpp"

namespace localca::server::enos {

namespace {

// 16: shorter than any token a real gateway or SDK produces; catches "x", "null", "Bearer".
constexpr std::size_t k_min_access_token = 16;

bool token_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/' || c == '-' || c == '_' || c == '.';
}

} // namespace

bool well_formed_access_token(std::string_view token) {
    if (token.size() < k_min_access_token || token.size() > k_max_access_token) {
        return false;
    }
    std::size_t padding = 0; // '=' seen at the end of the current dot-separated part
    for (const char c : token) {
        if (c == '=') {
            if (++padding > 2) {
                return false;
            }
            continue;
        }
        if (c == '.') {
            padding = 0;
            continue;
        }
        if (padding > 0 || !token_char(c)) {
            return false; // padding in the middle of a part, or a character outside the alphabet
        }
    }
    return true;
}

} // namespace localca::server::enos
