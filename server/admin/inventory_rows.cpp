#include "server/admin/inventory_rows.hpp"

#include "ca/admin/subject_text.hpp"
#include "server/admin/codec.hpp"
#include "server/core/json_string.hpp"

namespace localca::server::admin {

namespace json = boost::json;
namespace sa = storage::admin;

const char* inventory_status(const sa::inventory_row& r, std::int64_t now) {
    if (r.status == 1) {
        return "revoked";
    }
    return r.not_after > now ? "valid" : "expired";
}

json::object item_json(const sa::inventory_row& r, std::int64_t now) {
    json::object o;
    o["certSN"] = std::to_string(r.sn);
    o["authority"] = r.authority;
    o["api"] = r.api;
    o["profile"] = r.profile;
    o["status"] = inventory_status(r, now);
    o["subject"] = ca::admin::subject_text(r.subject_der);
    o["cn"] = r.cn ? json::value(*r.cn) : json::value(nullptr);
    o["notBefore"] = rfc3339(r.not_before);
    o["notAfter"] = rfc3339(r.not_after);
    o["revokedAt"] = r.revoked_at ? json::value(rfc3339(*r.revoked_at)) : json::value(nullptr);
    o["reason"] = r.reason ? json::value(reason_name(*r.reason)) : json::value(nullptr);
    if (r.owner) {
        json::object owner;
        for (const auto& [k, v] : *r.owner) {
            owner[k] = v ? json::value(*v) : json::value(nullptr);
        }
        o["owner"] = std::move(owner);
    } else {
        o["owner"] = nullptr;
    }
    return o;
}

namespace {

void append_member(std::string& out, const char* key, std::string_view value) {
    out += ",\"";
    out += key;
    out += "\":";
    append_json_string(out, value);
}

void append_null_member(std::string& out, const char* key) {
    out += ",\"";
    out += key;
    out += "\":null";
}

template <class T>
void append_optional_member(std::string& out, const char* key, const std::optional<T>& v,
                            std::string (*text)(T)) {
    if (v) {
        append_member(out, key, text(*v));
    } else {
        append_null_member(out, key);
    }
}

std::string reason_text(int code) {
    return reason_name(code);
}

std::string csv_field(std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) {
        return std::string(s);
    }
    std::string out = "\"";
    for (const char c : s) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

} // namespace

void append_ndjson_line(std::string& out, const sa::inventory_row& r, std::int64_t now) {
    out += "{\"certSN\":";
    append_json_string(out, std::to_string(r.sn));
    append_member(out, "authority", r.authority);
    append_member(out, "api", r.api);
    append_member(out, "profile", r.profile);
    append_member(out, "status", inventory_status(r, now));
    append_member(out, "subject", ca::admin::subject_text(r.subject_der));
    if (r.cn) {
        append_member(out, "cn", *r.cn);
    } else {
        append_null_member(out, "cn");
    }
    append_member(out, "notBefore", rfc3339(r.not_before));
    append_member(out, "notAfter", rfc3339(r.not_after));
    append_optional_member(out, "revokedAt", r.revoked_at, &rfc3339);
    append_optional_member(out, "reason", r.reason, &reason_text);
    if (r.owner) {
        out += ",\"owner\":{";
        bool first = true;
        for (const auto& [k, v] : *r.owner) {
            if (!first) {
                out += ',';
            }
            first = false;
            append_json_string(out, k);
            out += ':';
            if (v) {
                append_json_string(out, *v);
            } else {
                out += "null";
            }
        }
        out += '}';
    } else {
        append_null_member(out, "owner");
    }
    out += "}\n";
}

void append_csv_line(std::string& out, const sa::inventory_row& r, std::int64_t now) {
    std::string owner;
    if (r.owner) {
        for (const auto& [k, v] : *r.owner) {
            if (v) {
                owner += (owner.empty() ? "" : ";") + k + "=" + *v;
            }
        }
    }
    const std::string fields[] = {std::to_string(r.sn),
                                  r.authority,
                                  r.api,
                                  r.profile,
                                  inventory_status(r, now),
                                  ca::admin::subject_text(r.subject_der),
                                  r.cn.value_or(""),
                                  rfc3339(r.not_before),
                                  rfc3339(r.not_after),
                                  r.revoked_at ? rfc3339(*r.revoked_at) : "",
                                  r.reason ? reason_name(*r.reason) : "",
                                  owner};
    bool first = true;
    for (const auto& f : fields) {
        // Appended piecewise: `"," + std::string` trips gcc 12's false -Wrestrict.
        if (!first) {
            out += ',';
        }
        first = false;
        out += csv_field(f);
    }
    out += "\r\n";
}

} // namespace localca::server::admin
