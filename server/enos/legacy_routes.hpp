#pragma once
// EnOS's legacy (pre-gateway, "EnOS API v2" SDK) certificate calls, over the same device service
// as the connect-service API:
//   POST   /connectService/products/{productKey}/devices/{deviceKey}/certificates/apply
//   GET    /connectService/products/{productKey}/devices/{deviceKey}/certificates/list
//   DELETE /connectService/products/{productKey}/devices/{deviceKey}/certificates/revoke?certSN=
// and the same three under /connectService/devices/{assetId}/certificates/. Query auth
// ?accessKey=&requestTimestamp=&orgId=&sign=, envelope {status, requestId, msg, submsg, data}.
// What the SDK sends, byte for byte, and what we chose: docs/enos.md, "Legacy certificate path".
#include "ca/device_service.hpp"
#include "ca/engine.hpp"
#include "ca/registry.hpp"
#include "server/core/rate_limiter.hpp"
#include "server/core/router.hpp"
#include "server/enos/errors.hpp"
#include "server/enos/options.hpp"

#include <optional>
#include <string>

namespace localca::server::enos {

// Uppercase hex SHA-1 of accessKey + Σ sorted(key + value of every query parameter but accessKey
// and sign) + body + secret: the legacy SDK's Sign.sign().
std::string legacy_sign(const std::string& access_key, const std::string& secret,
                        const std::multimap<std::string, std::string>& query,
                        const std::string& body);

// The CSR of a legacy apply body: the SDK sends the PEM as a JSON string literal
// ("-----BEGIN…\n…"); a bare PEM and {"csr": "…"} are accepted too. nullopt when none.
std::optional<std::string> legacy_csr(const std::string& body);

class legacy_routes {
public:
    // `limiter` is the personality's: legacy and connect-service calls share one budget.
    legacy_routes(ca::engine& engine, ca::registry& registry, const options& opts,
                  rate_limiter& limiter);
    void add_routes(router& r);
    // The personality's catch point renders an escaped exception on a legacy path with this:
    // the legacy envelope, status 500, on HTTP 200 like every legacy answer.
    static bool owns(const request_context& ctx);
    static response internal_error(const request_context& ctx);

private:
    struct call;
    using action_fn = void (legacy_routes::*)(call&, responder);
    void handle(std::shared_ptr<request_context> ctx, responder done, action_fn action);
    void apply(call& c, responder done);
    void list(call& c, responder done);
    void revoke(call& c, responder done);

    ca::engine& m_engine;
    ca::registry& m_registry;
    ca::device_service m_devices;
    const options& m_options;
    rate_limiter& m_limiter;
};

} // namespace localca::server::enos
