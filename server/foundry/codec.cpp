#include "server/foundry/codec.hpp"

#include <botan/base64.h>

#include <boost/json.hpp>

#include <ctime>

namespace localca::server::foundry {

namespace json = boost::json;

std::string certificate_arn(const std::string& region, const std::string& account_id,
                            const std::string& certificate_id) {
    return "arn:aws:iot:" + region + ":" + account_id + ":cert/" + certificate_id;
}

bool is_certificate_id(std::string_view text) {
    if (text.size() != 64) {
        return false;
    }
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return false;
        }
    }
    return true;
}

std::optional<std::vector<std::string>> topics_from_json(const json::value& v) {
    if (!v.is_array()) {
        return std::nullopt;
    }
    std::vector<std::string> topics;
    for (const auto& item : v.as_array()) {
        if (!item.is_string()) {
            return std::nullopt;
        }
        topics.emplace_back(item.as_string());
    }
    return topics;
}

std::optional<std::vector<std::string>> topics_from_text(std::string_view json_text) {
    boost::system::error_code ec;
    const auto v = json::parse(json_text, ec);
    if (ec) {
        return std::nullopt;
    }
    return topics_from_json(v);
}

std::string base64_of(std::string_view text) {
    return Botan::base64_encode(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

std::string iso8601(std::chrono::system_clock::time_point t) {
    const std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string success_body(const json::object& fields) {
    json::object body;
    body["success"] = true;
    for (const auto& kv : fields) {
        body[kv.key()] = kv.value();
    }
    return json::serialize(body);
}

json::object certificate_fields(const ca::foundry::managed_certificate& c, const std::string& arn) {
    json::object o;
    o["id"] = c.id;
    o["arn"] = arn;
    o["status"] = ca::foundry::to_string(c.status);
    if (c.device_id) {
        o["deviceId"] = *c.device_id;
    } else {
        o["deviceId"] = nullptr;
    }
    json::array topics;
    for (const auto& t : c.topics) {
        topics.emplace_back(t);
    }
    o["topics"] = std::move(topics);
    o["notBefore"] = iso8601(c.not_before);
    o["notAfter"] = iso8601(c.not_after);
    o["cert"] = base64_of(c.pem);
    return o;
}

} // namespace localca::server::foundry
