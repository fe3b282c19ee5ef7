#include "server/enos/token_service.hpp"

#include "ca/constant_time.hpp"
#include "ca/fingerprint.hpp"
#include "server/enos/crypto.hpp"

#include <charconv>
#include <cstdlib>

namespace localca::server::enos {

namespace {

constexpr char k_b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url(std::string_view in) {
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (unsigned char c : in) {
        value = (value << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += k_b64url[(value >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out += k_b64url[(value << (6 - bits)) & 0x3f];
    }
    return out;
}

std::optional<std::string> unbase64url(std::string_view in) {
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (char c : in) {
        const char* p = std::char_traits<char>::find(k_b64url, 64, c);
        if (!p) {
            return std::nullopt;
        }
        value = (value << 6) | static_cast<unsigned>(p - k_b64url);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xff);
        }
    }
    return out;
}

std::optional<std::int64_t> parse_ms(const std::string& s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v <= 0) {
        return std::nullopt;
    }
    return v;
}

token_grant failure_token_service(token_status status, std::string message) {
    return token_grant{status, std::move(message), "", 0};
}

} // namespace

token_service::token_service(ca::enos::registry& registry, const options& opts,
                             const ca::clock& clk)
    : m_registry(registry), m_options(opts), m_clock(clk) {}

std::string token_service::mint(const ca::enos::app_credentials& app,
                                std::int64_t expiry_ms) const {
    char hex[32];
    auto [end, ec] = std::to_chars(hex, hex + sizeof hex, expiry_ms, 16);
    const std::string expiry(hex, end);
    const auto mac = hmac_sha256_hex(m_options.token_key, app.app_key + "|" + expiry + "|" +
                                                              ca::sha256_hex(app.app_secret));
    return expiry + "." + base64url(app.app_key) + "." + mac;
}

std::optional<token_grant> token_service::check_request(const std::string& app_key,
                                                        const std::string& encryption,
                                                        const std::string& timestamp,
                                                        ca::enos::app_credentials* app) {
    if (app_key.empty() || encryption.empty() || timestamp.empty()) {
        return failure_token_service(token_status::parameter_missing, "parameter is empty");
    }
    const auto ts = parse_ms(timestamp);
    if (!ts) {
        return failure_token_service(token_status::parameter_invalid, "timestamp is invalid");
    }
    const auto skew_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_options.max_clock_skew).count();
    const auto real_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.real_now().time_since_epoch())
            .count();
    if (std::llabs(*ts - real_ms) > skew_ms) {
        return failure_token_service(token_status::parameter_invalid, "timestamp is expired");
    }
    auto found = m_registry.find_app(app_key);
    if (!found) {
        return failure_token_service(token_status::app_key_not_found, "appKey does not exist");
    }
    const auto expected = ca::sha256_hex(app_key + timestamp + found->app_secret);
    std::string given = encryption;
    for (auto& c : given) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!ca::constant_time_equal(given, expected)) {
        return failure_token_service(token_status::encryption_invalid, "encryption is invalid");
    }
    *app = std::move(*found);
    return std::nullopt;
}

token_grant token_service::get(const std::string& app_key, const std::string& encryption,
                               const std::string& timestamp) {
    ca::enos::app_credentials app;
    if (auto f = check_request(app_key, encryption, timestamp, &app)) {
        return *f;
    }
    const auto now = m_clock.now_ms();
    std::lock_guard lock(m_mutex);
    auto it = m_current.find(app_key);
    // Reuse the current token while it has at least a second left and is still genuine (a
    // changed secret invalidates it).
    if (it != m_current.end() && it->second.second - now > 1000 && verify(it->second.first)) {
        return token_grant{token_status::success, "SUCCESS", it->second.first,
                           (it->second.second - now) / 1000};
    }
    const auto expiry = now + m_options.token_ttl.count() * 1000;
    const auto token = mint(app, expiry);
    m_current[app_key] = {token, expiry};
    return token_grant{token_status::success, "SUCCESS", token, m_options.token_ttl.count()};
}

token_grant token_service::refresh(const std::string& app_key, const std::string& encryption,
                                   const std::string& timestamp, const std::string& access_token) {
    if (access_token.empty()) {
        return failure_token_service(token_status::parameter_missing, "accessToken is empty");
    }
    ca::enos::app_credentials app;
    if (auto f = check_request(app_key, encryption, timestamp, &app)) {
        return *f;
    }
    const auto owner = verify(access_token);
    if (!owner || owner->app_key != app_key) {
        return failure_token_service(token_status::token_expired,
                                     "access token is expired or invalid");
    }
    const auto now = m_clock.now_ms();
    const auto expiry = now + m_options.token_ttl.count() * 1000;
    const auto token = mint(app, expiry);
    std::lock_guard lock(m_mutex);
    m_current[app_key] = {token, expiry};
    return token_grant{token_status::success, "SUCCESS", token, m_options.token_ttl.count()};
}

std::optional<ca::enos::app_credentials> token_service::verify(const std::string& access_token) {
    const auto dot1 = access_token.find('.');
    const auto dot2 = dot1 == std::string::npos ? dot1 : access_token.find('.', dot1 + 1);
    if (dot2 == std::string::npos || access_token.size() > 1024) {
        return std::nullopt;
    }
    std::int64_t expiry = 0;
    const auto* first = access_token.data();
    auto [p, ec] = std::from_chars(first, first + dot1, expiry, 16);
    if (ec != std::errc() || p != first + dot1 || expiry <= m_clock.now_ms()) {
        return std::nullopt;
    }
    const auto app_key =
        unbase64url(std::string_view(access_token).substr(dot1 + 1, dot2 - dot1 - 1));
    if (!app_key) {
        return std::nullopt;
    }
    auto app = m_registry.find_app(*app_key);
    if (!app || !ca::constant_time_equal(access_token, mint(*app, expiry))) {
        return std::nullopt;
    }
    return app;
}

} // namespace localca::server::enos
