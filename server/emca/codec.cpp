#include "server/emca/codec.hpp"

#include <botan/base64.h>

#include <boost/json.hpp>

#include <charconv>
#include <set>

namespace localca::server::emca {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// 1 to 9 decimal digits into *out.
bool read_number(std::string_view s, std::int64_t* out) {
    if (s.empty() || s.size() > 9 || s.find_first_not_of("0123456789") != std::string_view::npos) {
        return false;
    }
    std::from_chars(s.data(), s.data() + s.size(), *out);
    return true;
}

// Splits on `sep`; every part kept, empty ones included.
std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto pos = s.find(sep);
        out.push_back(s.substr(0, pos));
        if (pos == std::string_view::npos) {
            return out;
        }
        s.remove_prefix(pos + 1);
    }
}

json::value optional_string(const std::optional<std::string>& s) {
    return s ? json::value(*s) : json::value(nullptr);
}

} // namespace

std::string envelope_success(const std::string& result,
                             const std::optional<std::string>& subscriber_id,
                             const std::optional<std::string>& request_id) {
    json::object o;
    o["status"] = "Success";
    o["result"] = result;
    o["subscriberId"] = optional_string(subscriber_id);
    o["requestId"] = optional_string(request_id);
    return json::serialize(o);
}

std::string envelope_failure(const std::string& text) {
    json::object o;
    o["status"] = "Failure";
    o["result"] = text;
    o["subscriberId"] = nullptr;
    o["requestId"] = nullptr;
    return json::serialize(o);
}

std::optional<std::chrono::seconds> parse_validity(std::string_view text) {
    const auto parts = split(trim(text), ':');
    if (parts.size() != 4) {
        return std::nullopt;
    }
    std::int64_t v[4];
    for (int i = 0; i < 4; ++i) {
        if (!read_number(parts[i], &v[i])) {
            return std::nullopt;
        }
    }
    if (v[0] > 36135 || v[1] > 23 || v[2] > 59 || v[3] > 59) {
        return std::nullopt;
    }
    return std::chrono::seconds(((v[0] * 24 + v[1]) * 60 + v[2]) * 60 + v[3]);
}

std::optional<std::chrono::system_clock::time_point> parse_valid_from(std::string_view text) {
    text = trim(text);
    const auto space = text.find(' ');
    if (space == std::string_view::npos) {
        return std::nullopt;
    }
    const auto date = split(text.substr(0, space), ':');
    const auto time = split(trim(text.substr(space + 1)), ':');
    if (date.size() != 3 || time.size() != 3 || date[0].size() != 2 || date[1].size() != 2 ||
        date[2].size() != 4 || time[0].size() != 2 || time[1].size() != 2 ||
        time[2].size() != 2) {
        return std::nullopt;
    }
    std::int64_t d, m, y, hh, mm, ss;
    if (!read_number(date[0], &d) || !read_number(date[1], &m) || !read_number(date[2], &y) ||
        !read_number(time[0], &hh) || !read_number(time[1], &mm) || !read_number(time[2], &ss)) {
        return std::nullopt;
    }
    const std::chrono::year_month_day ymd{std::chrono::year(static_cast<int>(y)),
                                          std::chrono::month(static_cast<unsigned>(m)),
                                          std::chrono::day(static_cast<unsigned>(d))};
    // 1950..2200: UTCTime/GeneralizedTime both work, and system_clock (ns) cannot overflow.
    if (!ymd.ok() || y < 1950 || y > 2200 || hh > 23 || mm > 59 || ss > 59) {
        return std::nullopt;
    }
    return std::chrono::sys_days(ymd) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
           std::chrono::seconds(ss);
}

std::optional<std::vector<ca::emca::batch_item>> parse_csr_payload(std::string_view payload) {
    std::vector<ca::emca::batch_item> items;
    std::set<std::string> ids;
    for (const auto entry : split(trim(payload), '~')) {
        const auto bar = entry.find('|');
        if (bar == std::string_view::npos || items.size() == k_max_csrs) {
            return std::nullopt;
        }
        const std::string id(trim(entry.substr(0, bar)));
        const auto csr = trim(entry.substr(bar + 1));
        if (id.empty() || csr.empty() || !ids.insert(id).second) {
            return std::nullopt;
        }
        if (csr.find("-----BEGIN") != std::string_view::npos) {
            items.push_back({id, std::string(csr)});
            continue;
        }
        const auto der = base64_decode(csr);
        if (!der) {
            return std::nullopt;
        }
        items.push_back({id, std::string(der->begin(), der->end())});
    }
    return items;
}

std::string outcome_result(const ca::emca::batch_outcome& outcome) {
    if (outcome.pending) {
        return k_accepted;
    }
    std::string list;
    for (const auto& e : outcome.entries) {
        if (!list.empty()) {
            list += '~';
        }
        list += e.id + "|" + base64_encode(e.cert_der);
    }
    return base64_encode(std::vector<std::uint8_t>(list.begin(), list.end()));
}

std::optional<std::string> outcome_request_ids(const ca::emca::batch_outcome& outcome) {
    if (!outcome.pending) {
        return std::nullopt;
    }
    std::string list;
    for (const auto& e : outcome.entries) {
        if (!list.empty()) {
            list += '~';
        }
        list += e.id + "|" + std::to_string(e.request.value_or(0));
    }
    return list;
}

std::optional<std::int64_t> parse_decimal(std::string_view text) {
    text = trim(text);
    std::int64_t v = 0;
    if (text.empty() || text.size() > 18 ||
        text.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    std::from_chars(text.data(), text.data() + text.size(), v);
    if (v <= 0) {
        return std::nullopt;
    }
    return v;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    try {
        const auto bytes = Botan::base64_decode(text.data(), text.size(), true);
        if (bytes.empty()) {
            return std::nullopt;
        }
        return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string base64_encode(const std::vector<std::uint8_t>& bytes) {
    return Botan::base64_encode(bytes.data(), bytes.size());
}

} // namespace localca::server::emca

namespace localca::server::emca {

std::optional<std::string> request_data(const boost::json::object& body) {
    // Like every other field, an empty string counts as absent and a number as its text (which
    // then fails as Base64, as before).
    const auto given = [&](std::string_view key) -> std::optional<std::string> {
        const auto* v = body.if_contains(key);
        if (!v) {
            return std::nullopt;
        }
        if (v->is_string() && !v->as_string().empty()) {
            return std::string(v->as_string());
        }
        if (v->is_int64() || v->is_uint64()) {
            return json::serialize(*v);
        }
        return std::nullopt;
    };
    auto data = given("requestData");
    auto encoded = given("encodedString");
    if (data && encoded) {
        return std::nullopt; // ambiguous: which one would the AES key belong to?
    }
    return data ? std::move(data) : std::move(encoded);
}

} // namespace localca::server::emca
