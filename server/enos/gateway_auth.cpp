#include "server/enos/gateway_auth.hpp"

#include "ca/constant_time.hpp"
#include "ca/fingerprint.hpp"
#include "server/enos/codec.hpp"
#include "server/enos/unverified_token.hpp"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>

namespace localca::server::enos {

namespace {

std::string header(const request& req, std::string_view name) {
    const auto it = req.find(name);
    return it == req.end() ? std::string() : std::string(it->value());
}

std::string to_lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

} // namespace

bool gateway_auth::authenticate(const request_context& ctx,
                                std::optional<ca::enos::app_credentials>* app) const {
    if (m_options.auth == auth_mode::off) {
        return true;
    }
    if (m_options.auth == auth_mode::unverified_token) {
        return well_formed_access_token(header(ctx.req, "apim-accesstoken"));
    }
    const auto token = header(ctx.req, "apim-accesstoken");
    if (token.empty()) {
        return false;
    }
    *app = m_tokens.verify(token);
    if (!*app) {
        return false;
    }
    const auto signature = header(ctx.req, "apim-signature");
    if (signature.empty() && m_options.auth == auth_mode::token) {
        return true;
    }
    const auto timestamp = header(ctx.req, "apim-timestamp");
    const auto ts = read_int_text(timestamp);
    const auto skew = m_options.max_clock_skew.count() * 1000;
    // The client's timestamp against the real time: a device does not travel with the lab.
    const auto real_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.real_now().time_since_epoch())
            .count();
    if (signature.empty() || !ts.valid || std::llabs(ts.value - real_ms) > skew) {
        return false;
    }
    // accessToken + (key + value of every query parameter, sorted by key) + raw body +
    // timestamp + appSecret. The query map is sorted by key, values decoded.
    std::string content = token;
    for (const auto& [k, v] : ctx.query) {
        content += k;
        content += v;
    }
    content += ctx.req.body();
    content += timestamp;
    content += (*app)->app_secret;
    return ca::constant_time_equal(to_lower(signature), ca::sha256_hex(content));
}

} // namespace localca::server::enos
