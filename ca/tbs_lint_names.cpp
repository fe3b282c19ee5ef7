// The lint's rules on Names: RDN structure, string types and charsets, RFC 5280 upper bounds.
#include "ca/tbs_lint_rules.hpp"

#include <algorithm>
#include <cstring>
#include <map>

namespace localca::ca::tbs_lint_detail {

namespace {

// Code points of a strict UTF-8 string (no overlong forms, surrogates or values past U+10FFFF);
// nullopt if it is not one.
std::optional<std::vector<std::uint32_t>> utf8_code_points(bytes s) {
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const std::uint8_t b = s[i];
        std::size_t n = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if (b < 0x80) {
            n = 0, cp = b;
        } else if ((b & 0xe0) == 0xc0) {
            n = 1, cp = b & 0x1f, min = 0x80;
        } else if ((b & 0xf0) == 0xe0) {
            n = 2, cp = b & 0x0f, min = 0x800;
        } else if ((b & 0xf8) == 0xf0) {
            n = 3, cp = b & 0x07, min = 0x10000;
        } else {
            return std::nullopt;
        }
        if (n > 0 && i + n >= s.size()) { // truncated sequence
            return std::nullopt;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            if ((s[i + k] & 0xc0) != 0x80) {
                return std::nullopt;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return std::nullopt;
        }
        out.push_back(cp);
        i += n + 1;
    }
    return out;
}

bool printable_char(std::uint32_t c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr(" '()+,-./:=?", static_cast<int>(c)) != nullptr;
}

// Code points of a directory string of the given tag, or a reason it is not well formed.
struct decoded_string {
    std::vector<std::uint32_t> code_points;
    std::string problem; // empty when fine
};

decoded_string decode_string(const element& o) {
    decoded_string d;
    const bytes s(o.bits(), o.length());
    if (o.get_class() != Botan::UNIVERSAL) {
        d.problem = "not a string type";
        return d;
    }
    auto each_byte = [&](auto allowed, const char* type) {
        for (const std::uint8_t c : s) {
            if (!allowed(c)) {
                d.problem = std::string("character outside the ") + type + " alphabet";
                return;
            }
            d.code_points.push_back(c);
        }
    };
    switch (o.type()) {
    case Botan::UTF8_STRING: {
        auto cps = utf8_code_points(s);
        if (!cps) {
            d.problem = "not valid UTF-8";
        } else {
            d.code_points = std::move(*cps);
        }
        break;
    }
    case Botan::PRINTABLE_STRING:
        each_byte(printable_char, "PrintableString");
        break;
    case Botan::NUMERIC_STRING:
        each_byte([](std::uint32_t c) { return c == ' ' || (c >= '0' && c <= '9'); },
                  "NumericString");
        break;
    case Botan::IA5_STRING:
        each_byte([](std::uint32_t c) { return c < 0x80; }, "IA5String");
        break;
    case Botan::VISIBLE_STRING:
        each_byte([](std::uint32_t c) { return c >= 0x20 && c < 0x7f; }, "VisibleString");
        break;
    case Botan::T61_STRING:
        each_byte([](std::uint32_t) { return true; }, "TeletexString");
        break;
    case Botan::BMP_STRING:
        if (s.size() % 2 != 0) {
            d.problem = "BMPString of an odd length";
            break;
        }
        for (std::size_t i = 0; i < s.size(); i += 2) {
            const std::uint32_t c = (std::uint32_t(s[i]) << 8) | s[i + 1];
            if (c >= 0xd800 && c <= 0xdfff) {
                d.problem = "surrogate in a BMPString";
                break;
            }
            d.code_points.push_back(c);
        }
        break;
    case Botan::UNIVERSAL_STRING:
        if (s.size() % 4 != 0) {
            d.problem = "UniversalString length not a multiple of 4";
            break;
        }
        for (std::size_t i = 0; i < s.size(); i += 4) {
            const std::uint32_t c = (std::uint32_t(s[i]) << 24) | (std::uint32_t(s[i + 1]) << 16) |
                                    (std::uint32_t(s[i + 2]) << 8) | s[i + 3];
            if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
                d.problem = "invalid code point in a UniversalString";
                break;
            }
            d.code_points.push_back(c);
        }
        break;
    default:
        d.problem = "not a directory string type";
    }
    return d;
}

// RFC 5280 appendix A upper bounds, in characters. C is exactly 2.
std::optional<std::size_t> upper_bound_of(const std::string& oid) {
    static const std::map<std::string, std::size_t> bounds = {
        {"2.5.4.3", 64},               // commonName
        {"2.5.4.10", 64},              // organizationName
        {"2.5.4.11", 64},              // organizationalUnitName
        {"2.5.4.7", 128},              // localityName
        {"2.5.4.8", 128},              // stateOrProvinceName
        {"2.5.4.5", 64},               // serialNumber
        {"2.5.4.12", 64},              // title
        {"1.2.840.113549.1.9.1", 255}, // emailAddress
    };
    const auto it = bounds.find(oid);
    return it == bounds.end() ? std::nullopt : std::optional(it->second);
}

} // namespace

void walk_name(bytes name_contents, const char* which, findings& out) {
    decoder rdns(name_contents.data(), name_contents.size());
    while (rdns.more_items()) {
        auto rdn = expect(rdns, Botan::SET, Botan::CONSTRUCTED, "RelativeDistinguishedName");
        auto atvs = contents(rdn);
        if (!atvs.more_items()) {
            out.fail(std::string(which) + ": empty RelativeDistinguishedName");
        }
        while (atvs.more_items()) {
            auto atv = expect(atvs, Botan::SEQUENCE, Botan::CONSTRUCTED, "AttributeTypeAndValue");
            auto parts = contents(atv);
            Botan::OID type;
            parts.decode(type);
            const auto value = next(parts, "attribute value");
            parts.verify_end();
            const std::string oid = type.to_string();
            const std::string where = std::string(which) + " attribute " + oid;
            const auto d = decode_string(value);
            if (!d.problem.empty()) {
                out.fail(where + ": " + d.problem);
                continue;
            }
            if (d.code_points.empty()) {
                out.fail(where + ": empty value");
            }
            if (std::find(d.code_points.begin(), d.code_points.end(), 0u) != d.code_points.end()) {
                out.fail(where + ": contains NUL");
            }
            if (oid == "2.5.4.6" && d.code_points.size() != 2) {
                out.fail(where + " (countryName): not 2 characters");
            }
            if (const auto ub = upper_bound_of(oid); ub && d.code_points.size() > *ub) {
                out.fail(where + ": " + std::to_string(d.code_points.size()) +
                         " characters, at most " + std::to_string(*ub));
            }
            if ((oid == "1.2.840.113549.1.9.1" || oid == "0.9.2342.19200300.100.1.25") &&
                value.type() != Botan::IA5_STRING) {
                out.fail(where + ": must be an IA5String");
            }
        }
    }
}

} // namespace localca::ca::tbs_lint_detail
