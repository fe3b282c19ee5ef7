#include "ca/tbs_lint.hpp"

#include <botan/asn1_obj.h>
#include <botan/asn1_oid.h>
#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/hash.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <set>

namespace localca::ca {

namespace {

using bytes = std::span<const std::uint8_t>;

// The findings of one lint run; rules append and carry on, so that one run names every problem.
class findings {
public:
    void fail(std::string what) { m_list.push_back(std::move(what)); }
    std::vector<std::string> take() { return std::move(m_list); }

private:
    std::vector<std::string> m_list;
};

const auto k_constructed_context =
    Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);

Botan::BER_Object next(Botan::BER_Decoder& d, const char* what) {
    auto o = d.get_next_object();
    if (!o.is_set()) {
        throw Botan::Decoding_Error(std::string(what) + " is missing");
    }
    return o;
}

Botan::BER_Object expect(Botan::BER_Decoder& d, Botan::ASN1_Tag type, Botan::ASN1_Tag cls,
                         const char* what) {
    auto o = next(d, what);
    if (!o.is_a(type, cls)) {
        throw Botan::Decoding_Error(std::string(what) + " has an unexpected tag");
    }
    return o;
}

Botan::BER_Decoder contents(const Botan::BER_Object& o) {
    return Botan::BER_Decoder(o.bits(), o.length());
}

std::string text(const Botan::BER_Object& o) {
    return std::string(reinterpret_cast<const char*>(o.bits()), o.length());
}

// --- Strings --------------------------------------------------------------------------------

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

decoded_string decode_string(const Botan::BER_Object& o) {
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
        {"2.5.4.3", 64},                // commonName
        {"2.5.4.10", 64},               // organizationName
        {"2.5.4.11", 64},               // organizationalUnitName
        {"2.5.4.7", 128},               // localityName
        {"2.5.4.8", 128},               // stateOrProvinceName
        {"2.5.4.5", 64},                // serialNumber
        {"2.5.4.12", 64},               // title
        {"1.2.840.113549.1.9.1", 255},  // emailAddress
    };
    const auto it = bounds.find(oid);
    return it == bounds.end() ? std::nullopt : std::optional(it->second);
}

void walk_name(bytes name_contents, const char* which, findings& out) {
    Botan::BER_Decoder rdns(name_contents.data(), name_contents.size());
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

// --- General names --------------------------------------------------------------------------

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
                        (c >= '0' && c <= '9') ||
                        std::strchr("!#$%&'*+/=?^_`{|}~-.", c) != nullptr;
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

// One GeneralName of the kinds our profiles write: rfc822Name [1], dNSName [2], URI [6],
// iPAddress [7]. `only_uri` for access locations and distribution points.
void check_general_name(const Botan::BER_Object& o, const std::string& where, bool only_uri,
                        findings& out) {
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
void check_general_names(Botan::BER_Decoder names, const std::string& where, bool only_uri,
                         findings& out) {
    if (!names.more_items()) {
        out.fail(where + ": no names");
    }
    while (names.more_items()) {
        check_general_name(names.get_next_object(), where, only_uri, out);
    }
}

// --- TBS parts ------------------------------------------------------------------------------

struct algorithm {
    std::string oid;
    std::optional<Botan::BER_Object> params; // absent when none
};

algorithm decode_algorithm(const Botan::BER_Object& seq) {
    auto d = contents(seq);
    Botan::OID oid;
    d.decode(oid);
    algorithm a;
    a.oid = oid.to_string();
    auto p = d.get_next_object();
    if (p.is_set()) {
        a.params = std::move(p);
    }
    d.verify_end();
    return a;
}

bool null_params(const algorithm& a) {
    return a.params && a.params->is_a(Botan::NULL_TAG, Botan::UNIVERSAL) && a.params->length() == 0;
}

const char* k_rsa_encryption = "1.2.840.113549.1.1.1";
const char* k_ec_public_key = "1.2.840.10045.2.1";

void check_signature_algorithm(const algorithm& a, const Botan::X509_Certificate& issuer,
                               findings& out) {
    const std::string issuer_key = issuer.subject_public_key_algo().get_oid().to_string();
    static const std::set<std::string> rsa = {"1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
                                              "1.2.840.113549.1.1.13"};
    static const std::set<std::string> ecdsa = {"1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3",
                                                "1.2.840.10045.4.3.4"};
    if (issuer_key == k_rsa_encryption) {
        if (!rsa.count(a.oid)) {
            out.fail("signature: " + a.oid + " is not sha256/384/512WithRSAEncryption, which the "
                                             "issuer's RSA key makes");
        } else if (!null_params(a)) {
            out.fail("signature: RSA algorithm parameters must be NULL");
        }
    } else if (issuer_key == k_ec_public_key) {
        if (!ecdsa.count(a.oid)) {
            out.fail("signature: " + a.oid +
                     " is not ecdsa-with-SHA256/384/512, which the issuer's EC key makes");
        } else if (a.params) {
            out.fail("signature: ECDSA algorithm parameters must be absent");
        }
    } else {
        out.fail("signature: the issuer's key algorithm " + issuer_key + " is not RSA or EC");
    }
}

void check_serial(const Botan::BER_Object& o, findings& out) {
    if (!o.is_a(Botan::INTEGER, Botan::UNIVERSAL)) {
        throw Botan::Decoding_Error("serialNumber is not an INTEGER");
    }
    const bytes v(o.bits(), o.length());
    if (v.empty()) {
        out.fail("serialNumber: empty INTEGER");
        return;
    }
    if (v.size() > 1 && ((v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] == 0xff && (v[1] & 0x80)))) {
        out.fail("serialNumber: not minimally encoded");
    }
    if (v[0] & 0x80) {
        out.fail("serialNumber: negative");
    } else if (std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; })) {
        out.fail("serialNumber: zero");
    }
    if (v.size() > 20) {
        out.fail("serialNumber: " + std::to_string(v.size()) + " octets, at most 20");
    }
}

// Seconds since the epoch of a UTCTime / GeneralizedTime in the only forms RFC 5280 allows
// (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ; UTCTime up to 2049, GeneralizedTime from 2050).
std::optional<std::int64_t> decode_time(const Botan::BER_Object& o, const char* what,
                                        findings& out) {
    const std::string s = text(o);
    const bool utc = o.is_a(Botan::UTC_TIME, Botan::UNIVERSAL);
    const bool generalized = o.is_a(Botan::GENERALIZED_TIME, Botan::UNIVERSAL);
    const std::size_t len = utc ? 13 : 15;
    if ((!utc && !generalized) || s.size() != len || s.back() != 'Z' ||
        !std::all_of(s.begin(), s.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
        out.fail(std::string(what) + ": not a UTCTime YYMMDDHHMMSSZ or GeneralizedTime "
                                     "YYYYMMDDHHMMSSZ");
        return std::nullopt;
    }
    auto num = [&](std::size_t at, std::size_t n) { return std::stoi(s.substr(at, n)); };
    std::size_t p = 0;
    int year = 0;
    if (utc) {
        year = num(0, 2);
        year += year < 50 ? 2000 : 1900;
        p = 2;
    } else {
        year = num(0, 4);
        p = 4;
    }
    if (generalized && year < 2050) {
        out.fail(std::string(what) + ": GeneralizedTime before 2050 (RFC 5280 wants UTCTime)");
    }
    const std::chrono::year_month_day ymd{std::chrono::year(year),
                                          std::chrono::month(static_cast<unsigned>(num(p, 2))),
                                          std::chrono::day(static_cast<unsigned>(num(p + 2, 2)))};
    const int hh = num(p + 4, 2), mm = num(p + 6, 2), ss = num(p + 8, 2);
    if (!ymd.ok() || hh > 23 || mm > 59 || ss > 59) {
        out.fail(std::string(what) + ": not a valid date and time");
        return std::nullopt;
    }
    const auto t = std::chrono::sys_days(ymd) + std::chrono::hours(hh) +
                   std::chrono::minutes(mm) + std::chrono::seconds(ss);
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

void check_validity(const Botan::BER_Object& seq, const Botan::X509_Certificate& issuer,
                    findings& out) {
    auto d = contents(seq);
    const auto nb = decode_time(next(d, "notBefore"), "notBefore", out);
    const auto na = decode_time(next(d, "notAfter"), "notAfter", out);
    d.verify_end();
    if (!nb || !na) {
        return;
    }
    if (*nb >= *na) {
        out.fail("validity: notBefore is not before notAfter");
    }
    const auto issuer_nb = static_cast<std::int64_t>(issuer.not_before().time_since_epoch());
    const auto issuer_na = static_cast<std::int64_t>(issuer.not_after().time_since_epoch());
    if (*nb < issuer_nb) {
        out.fail("validity: notBefore is before the issuer's notBefore");
    }
    if (*na > issuer_na) {
        out.fail("validity: notAfter is after the issuer's notAfter");
    }
}

struct public_key_info {
    enum class kind { rsa, ec, other } type = kind::other;
    std::vector<std::uint8_t> key_bits; // subjectPublicKey contents, for the SKI
};

public_key_info check_public_key(const Botan::BER_Object& seq, findings& out) {
    auto d = contents(seq);
    const auto alg =
        decode_algorithm(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "SPKI algorithm"));
    const auto key = expect(d, Botan::BIT_STRING, Botan::UNIVERSAL, "subjectPublicKey");
    d.verify_end();
    public_key_info info;
    if (key.length() == 0 || key.bits()[0] != 0) {
        out.fail("subjectPublicKey: BIT STRING with unused bits");
    } else {
        info.key_bits.assign(key.bits() + 1, key.bits() + key.length());
    }
    if (alg.oid == k_rsa_encryption) {
        info.type = public_key_info::kind::rsa;
        if (!null_params(alg)) {
            out.fail("subjectPublicKeyInfo: rsaEncryption parameters must be NULL");
        }
    } else if (alg.oid == k_ec_public_key) {
        info.type = public_key_info::kind::ec;
        if (!alg.params || !alg.params->is_a(Botan::OBJECT_ID, Botan::UNIVERSAL)) {
            out.fail("subjectPublicKeyInfo: EC key without a named curve");
        }
    } else {
        out.fail("subjectPublicKeyInfo: key algorithm " + alg.oid + " is not RSA or EC");
    }
    return info;
}

// --- Extensions -----------------------------------------------------------------------------

struct extension {
    bool critical = false;
    Botan::BER_Object value; // the OCTET STRING; its contents are the extension's DER
};

namespace oid {
const std::string basic_constraints = "2.5.29.19";
const std::string key_usage = "2.5.29.15";
const std::string extended_key_usage = "2.5.29.37";
const std::string subject_key_id = "2.5.29.14";
const std::string authority_key_id = "2.5.29.35";
const std::string subject_alt_name = "2.5.29.17";
const std::string crl_distribution_points = "2.5.29.31";
const std::string authority_info_access = "1.3.6.1.5.5.7.1.1";
const std::string ocsp_no_check = "1.3.6.1.5.5.7.48.1.5";
} // namespace oid

// The extensions some profile of ours writes. Anything else in a TBS means an encoder or
// profile change the lint has not been taught: refuse rather than sign the unknown.
const std::set<std::string>& known_extensions() {
    static const std::set<std::string> known = {
        oid::basic_constraints,  oid::key_usage,        oid::extended_key_usage,
        oid::subject_key_id,     oid::authority_key_id, oid::subject_alt_name,
        oid::crl_distribution_points, oid::authority_info_access, oid::ocsp_no_check};
    return known;
}

std::map<std::string, extension> decode_extensions(const Botan::BER_Object& explicit3,
                                                   findings& out) {
    auto outer = contents(explicit3);
    auto list = expect(outer, Botan::SEQUENCE, Botan::CONSTRUCTED, "Extensions");
    outer.verify_end();
    auto d = contents(list);
    std::map<std::string, extension> result;
    if (!d.more_items()) {
        out.fail("extensions: empty list");
    }
    while (d.more_items()) {
        auto e = contents(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "Extension"));
        Botan::OID id;
        e.decode(id);
        const std::string name = id.to_string();
        extension ext;
        auto o = next(e, "extension value");
        if (o.is_a(Botan::BOOLEAN, Botan::UNIVERSAL)) {
            if (o.length() != 1 || (o.bits()[0] != 0x00 && o.bits()[0] != 0xff)) {
                out.fail("extension " + name + ": critical is not a DER BOOLEAN");
            } else if (o.bits()[0] == 0x00) {
                out.fail("extension " + name + ": critical FALSE written out (DER omits it)");
            }
            ext.critical = o.length() == 1 && o.bits()[0] != 0;
            o = next(e, "extension value");
        }
        if (!o.is_a(Botan::OCTET_STRING, Botan::UNIVERSAL)) {
            throw Botan::Decoding_Error("extension " + name + " value is not an OCTET STRING");
        }
        e.verify_end();
        ext.value = std::move(o);
        if (!known_extensions().count(name)) {
            out.fail("extension " + name + ": not one any profile writes");
        }
        if (result.count(name)) {
            out.fail("extension " + name + ": present more than once");
            continue;
        }
        result.emplace(name, std::move(ext));
    }
    return result;
}

// The single top-level element of an extension's value.
Botan::BER_Object value_element(const extension& e, Botan::ASN1_Tag type, Botan::ASN1_Tag cls,
                                const char* what) {
    auto d = contents(e.value);
    auto o = expect(d, type, cls, what);
    d.verify_end();
    return o;
}

void check_basic_constraints(const std::map<std::string, extension>& exts,
                             const certificate_profile& profile, findings& out) {
    const auto it = exts.find(oid::basic_constraints);
    if (it == exts.end()) {
        out.fail("basicConstraints: missing");
        return;
    }
    if (it->second.critical != profile.basic_constraints_critical) {
        out.fail(std::string("basicConstraints: ") +
                 (it->second.critical ? "critical, the profile says not critical"
                                      : "not critical, the profile says critical"));
    }
    auto d = contents(value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED,
                                    "basicConstraints"));
    while (d.more_items()) {
        const auto o = d.get_next_object();
        if (o.is_a(Botan::BOOLEAN, Botan::UNIVERSAL)) {
            out.fail(o.length() == 1 && o.bits()[0] == 0
                         ? "basicConstraints: cA FALSE written out (DER omits it)"
                         : "basicConstraints: cA TRUE in an end-entity certificate");
        } else if (o.is_a(Botan::INTEGER, Botan::UNIVERSAL)) {
            out.fail("basicConstraints: pathLenConstraint in an end-entity certificate");
        } else {
            out.fail("basicConstraints: unexpected element");
        }
    }
}

// keyUsage as Botan::Key_Constraints bits (digitalSignature = 0x8000 ... decipherOnly = 0x0080).
std::uint32_t decode_key_usage(const extension& e, findings& out) {
    const auto bits = value_element(e, Botan::BIT_STRING, Botan::UNIVERSAL, "keyUsage");
    const bytes v(bits.bits(), bits.length());
    if (v.size() < 2 || v.size() > 3 || v[0] > 7) {
        out.fail("keyUsage: not a BIT STRING of 1 or 2 octets");
        return 0;
    }
    const std::uint8_t last = v.back();
    // DER named bit list: no trailing zero bits, and the unused-bits count says exactly that.
    if (last == 0 || (last & ((1u << v[0]) - 1)) != 0 || (last & (1u << v[0])) == 0) {
        out.fail("keyUsage: not DER (trailing zero bits or a wrong unused-bits count)");
    }
    std::uint32_t mask = std::uint32_t(v[1]) << 8;
    if (v.size() == 3) {
        mask |= v[2];
    }
    return mask;
}

std::string key_usage_names(std::uint32_t mask) {
    static const std::pair<std::uint32_t, const char*> names[] = {
        {Botan::DIGITAL_SIGNATURE, "digitalSignature"}, {Botan::NON_REPUDIATION, "nonRepudiation"},
        {Botan::KEY_ENCIPHERMENT, "keyEncipherment"},   {Botan::DATA_ENCIPHERMENT, "dataEncipherment"},
        {Botan::KEY_AGREEMENT, "keyAgreement"},         {Botan::KEY_CERT_SIGN, "keyCertSign"},
        {Botan::CRL_SIGN, "cRLSign"},                   {Botan::ENCIPHER_ONLY, "encipherOnly"},
        {Botan::DECIPHER_ONLY, "decipherOnly"}};
    std::string s;
    for (const auto& [bit, name] : names) {
        if (mask & bit) {
            s += (s.empty() ? "" : "+") + std::string(name);
        }
    }
    return s.empty() ? "none" : s;
}

void check_key_usage(const std::map<std::string, extension>& exts,
                     const certificate_profile& profile, public_key_info::kind key,
                     findings& out) {
    const auto it = exts.find(oid::key_usage);
    if (it == exts.end()) {
        if (profile.key_usage) {
            out.fail("keyUsage: missing, the profile asks for " +
                     key_usage_names(*profile.key_usage));
        }
        return;
    }
    const auto mask = decode_key_usage(it->second, out);
    if (!profile.key_usage) {
        out.fail("keyUsage: present, the profile has none");
    } else if (mask != static_cast<std::uint32_t>(*profile.key_usage)) {
        out.fail("keyUsage: " + key_usage_names(mask) + ", the profile asks for " +
                 key_usage_names(*profile.key_usage));
    }
    if (!it->second.critical) {
        out.fail("keyUsage: not critical");
    }
    if (mask == 0) {
        out.fail("keyUsage: no bit set");
    }
    if (mask & (Botan::KEY_CERT_SIGN | Botan::CRL_SIGN)) {
        out.fail("keyUsage: keyCertSign/cRLSign in an end-entity certificate");
    }
    if (key == public_key_info::kind::ec) {
        if (mask & Botan::KEY_ENCIPHERMENT) {
            out.fail("keyUsage: keyEncipherment on an EC key");
        }
        if (mask & Botan::DATA_ENCIPHERMENT) {
            out.fail("keyUsage: dataEncipherment on an EC key");
        }
        if (!(mask & Botan::DIGITAL_SIGNATURE)) {
            out.fail("keyUsage: no digitalSignature on an EC key");
        }
    }
    if (key == public_key_info::kind::rsa &&
        (mask & (Botan::KEY_AGREEMENT | Botan::ENCIPHER_ONLY | Botan::DECIPHER_ONLY))) {
        out.fail("keyUsage: keyAgreement/encipherOnly/decipherOnly on an RSA key");
    }
}

void check_extended_key_usage(const std::map<std::string, extension>& exts,
                              const certificate_profile& profile, findings& out) {
    const auto it = exts.find(oid::extended_key_usage);
    if (it == exts.end()) {
        if (!profile.extended_key_usage.empty()) {
            out.fail("extendedKeyUsage: missing, the profile asks for one");
        }
        return;
    }
    if (it->second.critical) {
        out.fail("extendedKeyUsage: critical");
    }
    auto d = contents(value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED,
                                    "extendedKeyUsage"));
    std::vector<std::string> purposes;
    while (d.more_items()) {
        Botan::OID p;
        d.decode(p);
        if (std::find(purposes.begin(), purposes.end(), p.to_string()) != purposes.end()) {
            out.fail("extendedKeyUsage: " + p.to_string() + " twice");
        }
        purposes.push_back(p.to_string());
    }
    std::vector<std::string> wanted;
    for (const auto& p : profile.extended_key_usage) {
        wanted.push_back(p.to_string());
    }
    if (purposes.empty()) {
        out.fail("extendedKeyUsage: empty");
    }
    if (purposes != wanted) {
        std::string got;
        for (const auto& p : purposes) {
            got += (got.empty() ? "" : ",") + p;
        }
        out.fail("extendedKeyUsage: " + got + " is not what the profile asks for");
    }
}

std::vector<std::uint8_t> sha1(bytes data) {
    auto h = Botan::HashFunction::create_or_throw("SHA-1");
    h->update(data.data(), data.size());
    const auto d = h->final();
    return {d.begin(), d.end()};
}

void check_key_identifiers(const std::map<std::string, extension>& exts,
                           const public_key_info& key, const Botan::X509_Certificate& issuer,
                           findings& out) {
    if (const auto it = exts.find(oid::subject_key_id); it == exts.end()) {
        out.fail("subjectKeyIdentifier: missing");
    } else {
        if (it->second.critical) {
            out.fail("subjectKeyIdentifier: critical");
        }
        const auto id = value_element(it->second, Botan::OCTET_STRING, Botan::UNIVERSAL,
                                      "subjectKeyIdentifier");
        if (std::vector<std::uint8_t>(id.bits(), id.bits() + id.length()) != sha1(key.key_bits)) {
            out.fail("subjectKeyIdentifier: not the SHA-1 of the subjectPublicKey (RFC 5280 "
                     "method 1)");
        }
    }
    const auto it = exts.find(oid::authority_key_id);
    if (it == exts.end()) {
        out.fail("authorityKeyIdentifier: missing");
        return;
    }
    if (it->second.critical) {
        out.fail("authorityKeyIdentifier: critical");
    }
    auto d = contents(value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED,
                                    "authorityKeyIdentifier"));
    const auto id = d.get_next_object();
    if (!id.is_a(0, Botan::CONTEXT_SPECIFIC)) {
        out.fail("authorityKeyIdentifier: no keyIdentifier");
        return;
    }
    if (d.more_items()) {
        out.fail("authorityKeyIdentifier: issuer/serial written besides the keyIdentifier");
    }
    if (std::vector<std::uint8_t>(id.bits(), id.bits() + id.length()) !=
        issuer.subject_key_id()) {
        out.fail("authorityKeyIdentifier: keyIdentifier is not the issuer's subjectKeyIdentifier");
    }
}

void check_subject_alt_name(const std::map<std::string, extension>& exts, bool subject_empty,
                            const certificate_profile& profile, findings& out) {
    const auto it = exts.find(oid::subject_alt_name);
    if (it == exts.end()) {
        if (subject_empty) {
            out.fail("subject: empty and no subjectAltName");
        }
        if (!profile.dns_names.empty() || !profile.ip_addresses.empty()) {
            out.fail("subjectAltName: missing, the profile names hosts");
        }
        return;
    }
    if (subject_empty && !it->second.critical) {
        out.fail("subjectAltName: not critical although the subject is empty");
    }
    check_general_names(contents(value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED,
                                               "subjectAltName")),
                        "subjectAltName", false, out);
}

void check_crl_distribution_points(const std::map<std::string, extension>& exts,
                                   findings& out) {
    const auto it = exts.find(oid::crl_distribution_points);
    if (it == exts.end()) {
        return;
    }
    if (it->second.critical) {
        out.fail("cRLDistributionPoints: critical");
    }
    auto points = contents(value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED,
                                         "cRLDistributionPoints"));
    if (!points.more_items()) {
        out.fail("cRLDistributionPoints: empty");
    }
    while (points.more_items()) {
        auto dp = contents(expect(points, Botan::SEQUENCE, Botan::CONSTRUCTED, "DistributionPoint"));
        auto name = contents(expect(dp, Botan::ASN1_Tag(0), k_constructed_context,
                                    "distributionPoint"));
        dp.verify_end(); // no reasons, no cRLIssuer
        auto full = contents(expect(name, Botan::ASN1_Tag(0), k_constructed_context, "fullName"));
        name.verify_end();
        check_general_names(std::move(full), "cRLDistributionPoints", true, out);
    }
}

void check_authority_info_access(const std::map<std::string, extension>& exts,
                                 findings& out) {
    const auto it = exts.find(oid::authority_info_access);
    if (it == exts.end()) {
        return;
    }
    if (it->second.critical) {
        out.fail("authorityInfoAccess: critical");
    }
    auto list = contents(value_element(it->second, Botan::SEQUENCE, Botan::CONSTRUCTED,
                                       "authorityInfoAccess"));
    if (!list.more_items()) {
        out.fail("authorityInfoAccess: empty");
    }
    while (list.more_items()) {
        auto ad = contents(expect(list, Botan::SEQUENCE, Botan::CONSTRUCTED, "AccessDescription"));
        Botan::OID method;
        ad.decode(method);
        const auto m = method.to_string();
        if (m != "1.3.6.1.5.5.7.48.1" && m != "1.3.6.1.5.5.7.48.2") {
            out.fail("authorityInfoAccess: access method " + m + " is not ocsp or caIssuers");
        }
        check_general_name(next(ad, "accessLocation"), "authorityInfoAccess", true, out);
        ad.verify_end();
    }
}

void check_ocsp_no_check(const std::map<std::string, extension>& exts, findings& out) {
    const auto it = exts.find(oid::ocsp_no_check);
    if (it == exts.end()) {
        return;
    }
    if (it->second.critical) {
        out.fail("id-pkix-ocsp-nocheck: critical");
    }
    if (value_element(it->second, Botan::NULL_TAG, Botan::UNIVERSAL, "ocsp-nocheck").length() !=
        0) {
        out.fail("id-pkix-ocsp-nocheck: value is not NULL");
    }
}

void walk_tbs(bytes tbs, const Botan::X509_Certificate& issuer,
              const certificate_profile& profile, findings& out) {
    Botan::BER_Decoder whole(tbs.data(), tbs.size());
    const auto seq = expect(whole, Botan::SEQUENCE, Botan::CONSTRUCTED, "TBSCertificate");
    whole.verify_end();
    auto d = contents(seq);

    auto o = next(d, "serialNumber");
    if (o.is_a(0, k_constructed_context)) {
        std::size_t version = 0;
        contents(o).decode(version).verify_end();
        if (version != 2) {
            out.fail("version: " + std::to_string(version + 1) + ", not 3");
        }
        o = next(d, "serialNumber");
    } else {
        out.fail("version: absent (v1), not 3");
    }
    check_serial(o, out);

    const auto signature =
        decode_algorithm(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "signature"));
    check_signature_algorithm(signature, issuer, out);

    const auto issuer_name = expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "issuer");
    const auto& raw_issuer = issuer.raw_subject_dn();
    Botan::BER_Decoder raw(raw_issuer.data(), raw_issuer.size());
    const auto expected = raw.get_next_object();
    if (!std::equal(issuer_name.bits(), issuer_name.bits() + issuer_name.length(),
                    expected.bits(), expected.bits() + expected.length())) {
        out.fail("issuer: not the issuer certificate's subject, byte for byte");
    }

    check_validity(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "validity"), issuer, out);

    const auto subject = expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "subject");
    walk_name(bytes(subject.bits(), subject.length()), "subject", out);

    const auto key =
        check_public_key(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "subjectPublicKeyInfo"),
                         out);

    o = d.get_next_object();
    if (o.is_a(1, Botan::CONTEXT_SPECIFIC) || o.is_a(2, Botan::CONTEXT_SPECIFIC)) {
        out.fail("issuerUniqueID/subjectUniqueID: present");
        while (o.is_set() && !o.is_a(3, k_constructed_context)) {
            o = d.get_next_object();
        }
    }
    if (!o.is_a(3, k_constructed_context)) {
        out.fail("extensions: missing");
        return;
    }
    d.verify_end();
    const auto exts = decode_extensions(o, out);
    check_basic_constraints(exts, profile, out);
    check_key_usage(exts, profile, key.type, out);
    check_extended_key_usage(exts, profile, out);
    check_key_identifiers(exts, key, issuer, out);
    check_subject_alt_name(exts, subject.length() == 0, profile, out);
    check_crl_distribution_points(exts, out);
    check_authority_info_access(exts, out);
    check_ocsp_no_check(exts, out);
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) {
        s += (s.empty() ? "" : "; ") + l;
    }
    return s;
}

} // namespace

std::vector<std::string> lint_tbs(std::span<const std::uint8_t> tbs,
                                  const Botan::X509_Certificate& issuer,
                                  const certificate_profile& profile) {
    findings out;
    try {
        walk_tbs(tbs, issuer, profile, out);
    } catch (const std::exception& e) {
        out.fail(std::string("TBSCertificate: not decodable: ") + e.what());
    }
    return out.take();
}

std::vector<std::string> lint_name(std::span<const std::uint8_t> name_der) {
    findings out;
    try {
        Botan::BER_Decoder d(name_der.data(), name_der.size());
        const auto name = expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "Name");
        d.verify_end();
        walk_name(bytes(name.bits(), name.length()), "subject", out);
    } catch (const std::exception& e) {
        out.fail(std::string("subject: not decodable: ") + e.what());
    }
    return out.take();
}

lint_failure::lint_failure(std::vector<std::string> findings)
    : std::runtime_error("pre-signature lint: " + joined(findings)),
      m_findings(std::move(findings)) {}

void require_lint_clean(std::span<const std::uint8_t> tbs, const Botan::X509_Certificate& issuer,
                        const certificate_profile& profile) {
    auto found = lint_tbs(tbs, issuer, profile);
    if (!found.empty()) {
        throw lint_failure(std::move(found));
    }
}

void require_signed_as_linted(std::span<const std::uint8_t> certificate,
                              std::span<const std::uint8_t> tbs) {
    std::vector<std::string> found;
    try {
        Botan::BER_Decoder whole(certificate.data(), certificate.size());
        const auto cert = expect(whole, Botan::SEQUENCE, Botan::CONSTRUCTED, "Certificate");
        whole.verify_end();
        const bytes body(cert.bits(), cert.length());
        if (body.size() < tbs.size() || !std::equal(tbs.begin(), tbs.end(), body.begin())) {
            found.push_back("signed certificate: its tbsCertificate differs from the linted one");
        } else {
            Botan::BER_Decoder rest(body.data() + tbs.size(), body.size() - tbs.size());
            const auto outer = decode_algorithm(
                expect(rest, Botan::SEQUENCE, Botan::CONSTRUCTED, "signatureAlgorithm"));
            expect(rest, Botan::BIT_STRING, Botan::UNIVERSAL, "signatureValue");
            rest.verify_end();
            Botan::BER_Decoder t(tbs.data(), tbs.size());
            auto fields = contents(expect(t, Botan::SEQUENCE, Botan::CONSTRUCTED, "tbs"));
            auto o = next(fields, "version");
            if (o.is_a(0, k_constructed_context)) {
                o = next(fields, "serialNumber");
            }
            const auto inner = decode_algorithm(
                expect(fields, Botan::SEQUENCE, Botan::CONSTRUCTED, "signature"));
            const auto same_params =
                inner.params.has_value() == outer.params.has_value() &&
                (!inner.params || (inner.params->tagging() == outer.params->tagging() &&
                                   std::equal(inner.params->bits(),
                                              inner.params->bits() + inner.params->length(),
                                              outer.params->bits(),
                                              outer.params->bits() + outer.params->length())));
            if (inner.oid != outer.oid || !same_params) {
                found.push_back("signed certificate: signatureAlgorithm differs from the TBS's "
                                "signature field");
            }
        }
    } catch (const std::exception& e) {
        found.push_back(std::string("signed certificate: not decodable: ") + e.what());
    }
    if (!found.empty()) {
        throw lint_failure(std::move(found));
    }
}

} // namespace localca::ca
