#include "ca/foundry/topic_filter.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

namespace localca::ca::foundry {

namespace {

constexpr std::size_t k_max_bytes = 65535; // MQTT's UTF-8 string length prefix is 16 bits

error bad_filter(std::string detail) {
    return make_error(errc::invalid_topic_filter, "invalid topic filter", std::move(detail));
}

// Decodes the code point at s[i], advancing i; nullopt when the sequence is not well-formed
// UTF-8 (RFC 3629: shortest form only, no surrogates, at most U+10FFFF).
std::optional<std::uint32_t> next_code_point(std::string_view s, std::size_t& i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) {
        ++i;
        return b0;
    }
    std::size_t length = 0;
    std::uint32_t cp = 0;
    std::uint32_t min = 0;
    if ((b0 & 0xE0) == 0xC0) {
        length = 2;
        cp = b0 & 0x1F;
        min = 0x80;
    } else if ((b0 & 0xF0) == 0xE0) {
        length = 3;
        cp = b0 & 0x0F;
        min = 0x800;
    } else if ((b0 & 0xF8) == 0xF0) {
        length = 4;
        cp = b0 & 0x07;
        min = 0x10000;
    } else {
        return std::nullopt; // continuation byte or 0xF8..0xFF as a lead byte
    }
    if (i + length > s.size()) {
        return std::nullopt;
    }
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned char b = byte(i + k);
        if ((b & 0xC0) != 0x80) {
            return std::nullopt;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return std::nullopt;
    }
    i += length;
    return cp;
}

std::string hex_code_point(std::uint32_t cp) {
    static const char* digits = "0123456789ABCDEF";
    std::string out = "U+";
    for (int shift = 12; shift >= 0; shift -= 4) {
        out += digits[(cp >> shift) & 0xF];
    }
    return out;
}

} // namespace

status check_topic_filter(std::string_view filter) {
    if (filter.empty()) {
        return bad_filter("a topic filter must not be empty");
    }
    if (filter.size() > k_max_bytes) {
        return bad_filter("a topic filter is at most 65535 bytes, this one has " +
                          std::to_string(filter.size()));
    }
    for (std::size_t i = 0; i < filter.size();) {
        const std::size_t at = i;
        const auto cp = next_code_point(filter, i);
        if (!cp) {
            return bad_filter("not valid UTF-8 at byte " + std::to_string(at));
        }
        if (*cp <= 0x1F || (*cp >= 0x7F && *cp <= 0x9F)) {
            return bad_filter("control character " + hex_code_point(*cp) + " at byte " +
                              std::to_string(at));
        }
    }
    if (filter.front() == ' ' || filter.back() == ' ') {
        return bad_filter("a topic filter must not start or end with a space");
    }
    // Level by level: a wildcard must be the whole level; '#' only as the last level.
    std::size_t start = 0;
    for (;;) {
        const std::size_t slash = filter.find('/', start);
        const std::string_view level = filter.substr(
            start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        const bool last = slash == std::string_view::npos;
        if (level.find('#') != std::string_view::npos && (level != "#" || !last)) {
            return bad_filter(level == "#" ? "'#' must be the last level"
                                           : "'#' must be a whole level");
        }
        if (level.find('+') != std::string_view::npos && level != "+") {
            return bad_filter("'+' must be a whole level");
        }
        if (last) {
            break;
        }
        start = slash + 1;
    }
    return success();
}

result<std::vector<std::string>> check_topic_policy(std::vector<std::string> filters) {
    if (filters.empty()) {
        return bad_filter("the topic policy must contain at least one filter");
    }
    std::vector<std::string> unique;
    for (std::size_t i = 0; i < filters.size(); ++i) {
        if (auto st = check_topic_filter(filters[i]); !st) {
            auto e = st.err();
            e.detail = "topics[" + std::to_string(i) + "]: " + e.detail;
            return e;
        }
        if (std::find(unique.begin(), unique.end(), filters[i]) == unique.end()) {
            unique.push_back(std::move(filters[i]));
        }
    }
    return unique;
}

} // namespace localca::ca::foundry
