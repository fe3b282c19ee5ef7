#pragma once
// The EnOS API-gateway token service (/apim-token-service/v2.0/token/get and /refresh) and the
// verification of access tokens on API calls.
//
// Tokens are stateless: "<expiry ms, hex>.<appKey, base64url>.<HMAC-SHA-256(key, appKey|expiry|
// sha256(appSecret))>". They survive a server restart (the key is kept in the data dir) and die
// when the app's secret changes. While a token is valid, get returns the same token again (a
// per-app cache; after a restart a new one is minted, the old one stays valid until it expires).
#include "ca/clock.hpp"
#include "ca/enos/registry.hpp"
#include "server/enos/options.hpp"

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace localca::server::enos {

// Token-service status codes (EnOS's).
enum class token_status : int {
    success = 0,
    app_key_not_found = 1002,
    encryption_invalid = 1003,
    parameter_invalid = 1004,
    internal = 1005, // a storage failure or bug (answered by personality::internal_error)
    parameter_missing = 1202,
    token_expired = 1203,
};

struct token_grant {
    token_status status = token_status::success;
    std::string message;     // "SUCCESS" or the reason
    std::string access_token;
    std::int64_t expire = 0; // seconds left
};

class token_service {
public:
    // Token lifetimes are `clk`'s time; request timestamps are checked against its real_now()
    // (the client's clock does not travel with the lab's).
    token_service(ca::enos::registry& registry, const options& opts, const ca::clock& clk);

    // appKey, encryption, timestamp (ms, as text) from the request body; access_token for refresh.
    token_grant get(const std::string& app_key, const std::string& encryption,
                    const std::string& timestamp);
    token_grant refresh(const std::string& app_key, const std::string& encryption,
                        const std::string& timestamp, const std::string& access_token);

    // The app an access token belongs to, if the token is genuine, unexpired and the app (with
    // the same secret) still exists.
    std::optional<ca::enos::app_credentials> verify(const std::string& access_token);

private:
    std::optional<token_grant> check_request(const std::string& app_key,
                                             const std::string& encryption,
                                             const std::string& timestamp,
                                             ca::enos::app_credentials* app);
    std::string mint(const ca::enos::app_credentials& app, std::int64_t expiry_ms) const;

    ca::enos::registry& m_registry;
    const options& m_options;
    const ca::clock& m_clock;
    std::mutex m_mutex;
    std::map<std::string, std::pair<std::string, std::int64_t>> m_current; // appKey -> token, expiry
};

} // namespace localca::server::enos
