#include "server/foundry/auth.hpp"

#include <boost/algorithm/string/predicate.hpp>

namespace localca::server::foundry {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::optional<std::string> presented_token(const request& req) {
    if (const auto it = req.find(http::field::authorization); it != req.end()) {
        const std::string_view value = trim(it->value());
        constexpr std::string_view scheme = "bearer ";
        if (value.size() > scheme.size() &&
            boost::algorithm::iequals(value.substr(0, scheme.size()), scheme)) {
            const auto token = trim(value.substr(scheme.size()));
            if (!token.empty()) {
                return std::string(token);
            }
        }
    }
    if (const auto it = req.find("x-api-key"); it != req.end()) {
        const auto token = trim(it->value());
        if (!token.empty()) {
            return std::string(token);
        }
    }
    return std::nullopt;
}

} // namespace localca::server::foundry
