#include "server/foundry/options.hpp"

#include <cctype>

namespace localca::server::foundry {

bool parse_subject_mode(const std::string& name, subject_mode* out) {
    if (name == "uuid") {
        *out = subject_mode::uuid;
    } else if (name == "aws") {
        *out = subject_mode::aws;
    } else {
        return false;
    }
    return true;
}

bool valid_region(std::string_view region) {
    // At least two '-'-separated parts; every part but the last lowercase letters, the last
    // digits.
    if (region.empty() || region.size() > 64) {
        return false;
    }
    std::size_t parts = 0;
    std::size_t start = 0;
    for (;;) {
        const auto dash = region.find('-', start);
        const auto part =
            region.substr(start, dash == std::string_view::npos ? dash : dash - start);
        const bool last = dash == std::string_view::npos;
        if (part.empty()) {
            return false;
        }
        for (const char c : part) {
            const bool ok =
                last ? std::isdigit(static_cast<unsigned char>(c)) != 0 : (c >= 'a' && c <= 'z');
            if (!ok) {
                return false;
            }
        }
        ++parts;
        if (last) {
            break;
        }
        start = dash + 1;
    }
    return parts >= 2;
}

} // namespace localca::server::foundry
