// The lint's rules on GeneralNames: DNS names, e-mail addresses, URIs, IP addresses.
#include "ca/tbs_lint_rules.hpp"

#include <algorithm>
#include <string_view>

namespace localca::ca::tbs_lint_detail {

namespace {

bool ldh_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
    }
    return std::all_of(label.begin(), label.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-';
    });
}

// A host name of LDH labels (no wildcard, no trailing dot), at most 253 characters.
bool dns_name_syntax(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    for (;;) {
        const auto dot = name.find('.', start);
        if (!ldh_label(name.substr(start, dot == std::string_view::npos ? dot : dot - start))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

// local@domain: a dot-atom local part of at most 64 characters and a host name.
bool email_syntax(std::string_view s) {
    const auto at = s.find('@');
    if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) {
        return false;
    }
    const auto local = s.substr(0, at);
    if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.' ||
        local.find("..") != std::string_view::npos) {
        return false;
    }
    for (const char c : local) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || std::strchr("!#$%&'*+/=?^_`{|}~-.", c) != nullptr;
        if (!ok || c == '\0') {
            return false;
        }
    }
    return dns_name_syntax(s.substr(at + 1));
}

// scheme ":" rest (RFC 3986): printable ASCII without space or the characters it excludes;
// http, https and ldap need an authority ("//host...").
bool uri_syntax(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == 0 || colon == std::string_view::npos || colon + 1 == s.size()) {
        return false;
    }
    const auto scheme = s.substr(0, colon);
    if (!((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z'))) {
        return false;
    }
    for (const char c : scheme) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
        if (!ok) {
            return false;
        }
    }
    for (const char c : s) {
        if (c <= 0x20 || c >= 0x7f || std::strchr("\"<>\\^`{|}", c) != nullptr) {
            return false;
        }
    }
    std::string lower(scheme);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "http" || lower == "https" || lower == "ldap") {
        const auto rest = s.substr(colon + 1);
        if (rest.substr(0, 2) != "//" || rest.size() == 2 || rest[2] == '/') {
            return false;
        }
    }
    return true;
}

} // namespace

// One GeneralName of the kinds our profiles write: rfc822Name [1], dNSName [2], URI [6],
// iPAddress [7]. `only_uri` for access locations and distribution points.
void check_general_name(const element& o, const std::string& where, bool only_uri, findings& out) {
    if (o.get_class() != Botan::CONTEXT_SPECIFIC) {
        out.fail(where + ": a GeneralName of a kind no profile writes");
        return;
    }
    const std::string s = text(o);
    const bool has_nul = s.find('\0') != std::string::npos;
    switch (static_cast<int>(o.type())) {
    case 1:
        if (!only_uri && !has_nul && email_syntax(s)) {
            return;
        }
        out.fail(where + ": rfc822Name \"" + s + "\" is not an e-mail address");
        return;
    case 2:
        if (!only_uri && !has_nul && dns_name_syntax(s)) {
            return;
        }
        out.fail(where + ": dNSName \"" + s + "\" is not a host name");
        return;
    case 6:
        if (!has_nul && uri_syntax(s)) {
            return;
        }
        out.fail(where + ": URI \"" + s + "\" is not well formed");
        return;
    case 7:
        if (!only_uri && (o.length() == 4 || o.length() == 16)) {
            return;
        }
        out.fail(where + ": iPAddress of " + std::to_string(o.length()) +
                 " octets (must be 4 or 16)");
        return;
    default:
        out.fail(where + ": GeneralName [" + std::to_string(static_cast<int>(o.type())) +
                 "] is a kind no profile writes");
    }
}

// GeneralNames contents: at least one entry, each checked.
void check_general_names(decoder names, const std::string& where, bool only_uri, findings& out) {
    if (!names.more_items()) {
        out.fail(where + ": no names");
    }
    while (names.more_items()) {
        check_general_name(names.get_next_object(), where, only_uri, out);
    }
}

} // namespace localca::ca::tbs_lint_detail
