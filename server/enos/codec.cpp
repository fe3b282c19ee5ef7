#include "server/enos/codec.hpp"

#include <botan/pem.h>

#include <cctype>
#include <charconv>
#include <cmath>

namespace localca::server::enos {

namespace json = boost::json;

lenient_int read_int_text(const std::string& text) {
    lenient_int r;
    r.present = true;
    std::string_view s = text;
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), r.value);
    r.valid = !s.empty() && ec == std::errc() && p == s.data() + s.size();
    return r;
}

lenient_int read_int(const json::object& body, std::string_view key) {
    lenient_int r;
    const auto* v = body.if_contains(key);
    if (!v || v->is_null()) {
        return r;
    }
    r.present = true;
    if (v->is_int64()) {
        r.valid = true;
        r.value = v->as_int64();
    } else if (v->is_uint64()) {
        r.valid = v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX);
        r.value = static_cast<std::int64_t>(v->as_uint64());
    } else if (v->is_double()) {
        const double d = v->as_double();
        r.valid = std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15;
        r.value = r.valid ? static_cast<std::int64_t>(d) : 0;
    } else if (v->is_string()) {
        return read_int_text(std::string(v->as_string()));
    }
    return r;
}

namespace {

struct reason_def {
    int code;
    const char* name; // as EnOS lists it
};
constexpr reason_def k_reasons[] = {
    {0, "UNSPECIFIED"},          {1, "KEY COMPROMISE"},         {2, "CA COMPROMISE"},
    {3, "AFFILIATION CHANGED"},  {4, "SUPERSEDED"},             {5, "CESSATION OF OPERATION"},
    {6, "CERTIFICATE HOLD"},     {8, "REMOVE FROM CRL"},        {9, "PRIVILEGE WITHDRAWN"},
    {10, "AA COMPROMISE"},
};

// Upper-case letters and digits only: "key_compromise", "keyCompromise", "KEY COMPROMISE" meet.
std::string squash(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        }
    }
    return out;
}

} // namespace

std::optional<int> parse_reason(const json::value& v) {
    if (v.is_string()) {
        const std::string text(v.as_string());
        if (auto n = read_int_text(text); n.valid) {
            return n.value >= 0 && n.value <= 100 ? std::optional<int>(static_cast<int>(n.value))
                                                  : std::nullopt;
        }
        const auto key = squash(text);
        for (const auto& r : k_reasons) {
            if (squash(r.name) == key) {
                return r.code;
            }
        }
        return std::nullopt;
    }
    json::object wrapper;
    wrapper["r"] = v;
    const auto n = read_int(wrapper, "r");
    if (n.valid && n.value >= 0 && n.value <= 100) {
        return static_cast<int>(n.value);
    }
    return std::nullopt;
}

std::string reason_name(int reason) {
    for (const auto& r : k_reasons) {
        if (r.code == reason) {
            return r.name;
        }
    }
    return "UNSPECIFIED";
}

std::string java_dn(const std::vector<ca::dn_attribute>& attributes) {
    std::string out;
    for (auto it = attributes.rbegin(); it != attributes.rend(); ++it) {
        if (!out.empty()) {
            out += ", ";
        }
        out += it->short_name.empty() ? "OID." + it->oid : it->short_name;
        out += '=';
        const auto& v = it->value;
        const bool quote = v.find_first_of(",+=\"\\<>#;\n") != std::string::npos ||
                           (!v.empty() && (v.front() == ' ' || v.back() == ' '));
        if (!quote) {
            out += v;
            continue;
        }
        out += '"';
        for (char c : v) {
            if (c == '"' || c == '\\') {
                out += '\\';
            }
            out += c;
        }
        out += '"';
    }
    return out;
}

std::string envelope_ok(const std::string& request_id, json::value data) {
    json::object o;
    o["code"] = 0;
    o["msg"] = "OK";
    o["requestId"] = request_id;
    o["data"] = std::move(data);
    return json::serialize(o);
}

std::string envelope_error(const std::string& request_id, const enos_error& e) {
    json::object o;
    o["code"] = e.code;
    o["msg"] = e.msg;
    o["requestId"] = request_id;
    o["data"] = nullptr;
    return json::serialize(o);
}

json::object list_entry(const ca::certificate_record& row, std::int64_t now_unix) {
    const auto info = ca::describe_certificate(row.der);
    const bool revoked = row.status == ca::certificate_status::revoked;
    json::object o;
    o["certSN"] = std::to_string(row.sn);
    o["cert"] = Botan::PEM_Code::encode(row.der, "CERTIFICATE");
    o["certStatus"] = revoked ? 1 : (row.not_after <= now_unix ? 2 : 0);
    o["issuer"] = java_dn(info.issuer);
    o["subject"] = java_dn(info.subject);
    o["signDate"] = row.not_before * 1000;
    // Both spellings: EnOS 2.1 documents "effetiveDate", later versions "effectiveDate".
    o["effectiveDate"] = row.not_before * 1000;
    o["effetiveDate"] = row.not_before * 1000;
    o["expireDate"] = row.not_after * 1000;
    o["issueAuthority"] = row.authority;
    o["isEnosCert"] = true;
    o["revoker"] = revoked ? "LocalCA" : "";
    o["revokerReason"] = revoked ? reason_name(row.revocation_reason.value_or(0)) : "";
    return o;
}

} // namespace localca::server::enos
