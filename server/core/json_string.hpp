#pragma once
// A string as a JSON string literal, appended in place: for text built by hand on hot paths (the
// access log, the operator API's exports), where boost::json::serialize would make a temporary
// string per field. Escapes as boost::json::serialize does (tests compare the two byte for byte):
// quotes, backslashes and control characters (\b \f \n \r \t, else \u00xx), every other byte as
// it is.
#include <string>
#include <string_view>

namespace localca::server {

inline void append_json_string(std::string& out, std::string_view s) {
    static constexpr char k_hex[] = "0123456789abcdef";
    out += '"';
    for (const char c : s) {
        const auto b = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (b < 0x20) {
                out += "\\u00";
                out += k_hex[b >> 4];
                out += k_hex[b & 0xf];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace localca::server
