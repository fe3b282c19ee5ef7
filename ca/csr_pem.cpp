#include "ca/csr_pem.hpp"

#include <botan/base64.h>

#include <exception>
#include <string>

namespace localca::ca {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

} // namespace

// PEM (either label, LF or CRLF) or DER to DER.
std::vector<std::uint8_t> csr_to_der(std::string_view in) {
    std::size_t start = 0;
    while (start < in.size() && is_space(in[start])) {
        ++start;
    }
    const std::string_view text = in.substr(start);
    if (text.substr(0, 11) != "-----BEGIN ") {
        if (in.empty() || static_cast<std::uint8_t>(in[0]) != 0x30) {
            throw der_error("neither a PEM nor a DER certificate request");
        }
        return {in.begin(), in.end()};
    }
    std::string_view label;
    for (std::string_view l : {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}) {
        const std::string begin = "-----BEGIN " + std::string(l) + "-----";
        if (text.substr(0, begin.size()) == begin) {
            label = l;
        }
    }
    if (label.empty()) {
        throw der_error("PEM block is not a CERTIFICATE REQUEST");
    }
    const std::size_t body_start = 11 + label.size() + 5;
    const std::string end = "-----END " + std::string(label) + "-----";
    const std::size_t body_end = text.find(end, body_start);
    if (body_end == std::string_view::npos) {
        throw der_error("PEM END line missing");
    }
    for (std::size_t i = body_end + end.size(); i < text.size(); ++i) {
        if (!is_space(text[i])) {
            throw der_error("unexpected data after the PEM block");
        }
    }
    const std::string_view body = text.substr(body_start, body_end - body_start);
    try {
        const auto der = Botan::base64_decode(body.data(), body.size(), true);
        return {der.begin(), der.end()};
    } catch (const std::exception&) {
        throw der_error("invalid base64 in the PEM block");
    }
}

} // namespace localca::ca
