#include "server/admin/codec.hpp"

#include <charconv>
#include <ctime>

namespace localca::server::admin {

response error_json(const request& req, http::status status, const std::string& message,
                    const std::string& parameter) {
    boost::json::object o;
    o["message"] = message;
    if (!parameter.empty()) {
        o["parameter"] = parameter;
    }
    return json_response(req, status, boost::json::serialize(o));
}

namespace {

bool digits(const std::string& s, std::size_t pos, std::size_t n, int* out) {
    if (pos + n > s.size()) {
        return false;
    }
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

} // namespace

std::optional<std::int64_t> parse_rfc3339(const std::string& s) {
    int y, mo, d, h, mi, se;
    if (!digits(s, 0, 4, &y) || s.size() < 20 || s[4] != '-' || !digits(s, 5, 2, &mo) ||
        s[7] != '-' || !digits(s, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits(s, 11, 2, &h) || s[13] != ':' || !digits(s, 14, 2, &mi) || s[16] != ':' ||
        !digits(s, 17, 2, &se)) {
        return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) {
        return std::nullopt;
    }
    std::size_t p = 19;
    if (p < s.size() && s[p] == '.') {
        ++p;
        const auto start = p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
            ++p;
        }
        if (p == start) {
            return std::nullopt;
        }
    }
    std::int64_t offset = 0;
    if (p < s.size() && (s[p] == 'Z' || s[p] == 'z') && p + 1 == s.size()) {
    } else if (p + 6 == s.size() && (s[p] == '+' || s[p] == '-') && s[p + 3] == ':') {
        int oh, om;
        if (!digits(s, p + 1, 2, &oh) || !digits(s, p + 4, 2, &om) || oh > 23 || om > 59) {
            return std::nullopt;
        }
        offset = (s[p] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    } else {
        return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

std::string rfc3339(std::int64_t t) {
    // Civil date from days since the epoch (H. Hinnant's algorithm): an export formats two or
    // three times per row, and strftime was a visible part of its per-row cost. Years outside
    // 4 digits take strftime's path below.
    constexpr std::int64_t day = 86400;
    if (t >= -30'610'224'000 && t < 253'402'300'800) { // 1000-01-01 .. 9999-12-31
        const std::int64_t days = (t >= 0 ? t : t - (day - 1)) / day;
        const std::int64_t secs = t - days * day;
        const std::int64_t z = days + 719468;
        const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
        const std::int64_t doe = z - era * 146097;
        const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const std::int64_t mp = (5 * doy + 2) / 153;
        const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
        const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
        const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        char buf[21] = "0000-00-00T00:00:00Z";
        auto put = [&buf](int at, std::int64_t v, int width) {
            for (int i = at + width - 1; i >= at; --i, v /= 10) {
                buf[i] = static_cast<char>('0' + v % 10);
            }
        };
        put(0, y, 4);
        put(5, m, 2);
        put(8, d, 2);
        put(11, secs / 3600, 2);
        put(14, secs / 60 % 60, 2);
        put(17, secs % 60, 2);
        return std::string(buf, 20);
    }
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void check_known(const request_context& ctx, const std::set<std::string>& known) {
    for (const auto& [k, v] : ctx.query) {
        if (!known.count(k)) {
            throw bad_parameter(k, "unknown query parameter '" + k + "'");
        }
    }
}

std::optional<std::int64_t> time_param(const request_context& ctx, const std::string& name) {
    const auto v = ctx.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    const auto t = parse_rfc3339(*v);
    if (!t) {
        throw bad_parameter(name,
                            name + " must be an RFC 3339 date-time, e.g. 2026-01-31T00:00:00Z");
    }
    return t;
}

std::optional<std::int64_t> positive_param(const request_context& ctx, const std::string& name) {
    const auto v = ctx.query_param(name);
    if (!v) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n <= 0) {
        throw bad_parameter(name, name + " must be a positive integer");
    }
    return n;
}

int limit_param(const request_context& ctx) {
    const auto n = positive_param(ctx, "limit");
    if (n && *n > 1000) {
        throw bad_parameter("limit", "limit must be between 1 and 1000");
    }
    return n ? static_cast<int>(*n) : 100;
}

std::string encode_cursor(const std::string& text) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (const unsigned char c : text) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

std::optional<std::string> decode_cursor(const std::string& cursor) {
    if (cursor.empty() || cursor.size() % 2 || cursor.size() > 200) {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 0; i < cursor.size(); i += 2) {
        int v = 0;
        auto [p, ec] = std::from_chars(cursor.data() + i, cursor.data() + i + 2, v, 16);
        if (ec != std::errc() || p != cursor.data() + i + 2) {
            return std::nullopt;
        }
        out += static_cast<char>(v);
    }
    return out;
}

namespace {
constexpr const char* k_reasons[] = {
    "unspecified",   "keyCompromise",        "cACompromise",    "affiliationChanged",
    "superseded",    "cessationOfOperation", "certificateHold", "",
    "removeFromCRL", "privilegeWithdrawn",   "aACompromise"};
}

std::optional<int> parse_reason(const boost::json::value& v) {
    int code = -1;
    if (v.is_int64()) {
        code = static_cast<int>(v.as_int64());
    } else if (v.is_string()) {
        for (int i = 0; i < 11; ++i) {
            if (*k_reasons[i] && v.as_string() == k_reasons[i]) {
                code = i;
            }
        }
    }
    // The codes the engine accepts (ca/engine.hpp): 0, 1, 3, 4, 5, 6, 9.
    if (code == 0 || code == 1 || code == 3 || code == 4 || code == 5 || code == 6 || code == 9) {
        return code;
    }
    return std::nullopt;
}

const char* reason_name(int code) {
    return code >= 0 && code < 11 && *k_reasons[code] ? k_reasons[code] : "unspecified";
}

} // namespace localca::server::admin
