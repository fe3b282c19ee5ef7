#pragma once
// The EnOS personality: the connect-service certificate API (apply, renew, revoke, list) behind
// the EnOS API gateway's token + signature auth, and the gateway's token service.
//   POST /apim-token-service/v2.0/token/get | /token/refresh
//   POST /connect-service/v2.{0,1}/certificates?action=apply|renew|revoke
//   GET  /connect-service/v2.{0,1}/certificates?action=list
// and the legacy SDK's /connectService/... certificate paths (legacy_routes.hpp).
//   GET|POST /connect-service/v2.1/devices?action=... (server/enos/device_routes.hpp)
// Wire format, codes and every choice where EnOS's documents are silent: docs/enos.md.
#include "ca/engine.hpp"
#include "ca/enos/device_service.hpp"
#include "ca/enos/registry.hpp"
#include "server/core/rate_limiter.hpp"
#include "server/core/router.hpp"
#include "server/enos/device_routes.hpp"
#include "server/enos/gateway_auth.hpp"
#include "server/enos/legacy_routes.hpp"
#include "server/enos/options.hpp"
#include "server/enos/token_service.hpp"

#include <boost/json/object.hpp>

namespace localca::server::enos {

class personality final : public server::personality {
public:
    personality(ca::engine& engine, ca::enos::registry& registry, options opts);
    const char* name() const override { return "enos"; }
    void add_routes(router& r) override;
    // Token service: status 1005 in its envelope; certificate service: code 99500. HTTP 200.
    response internal_error(const request_context& ctx) const override;

private:
    struct call; // one parsed certificate call
    void token_call(std::shared_ptr<request_context> ctx, responder done, bool refresh);
    void certificates(std::shared_ptr<request_context> ctx, responder done);
    void devices(std::shared_ptr<request_context> ctx, responder done);
    // Gateway auth and rate limit of a connect-service call. False when it has been answered
    // (401 or 429); *app is the caller (none when auth is off).
    bool admit(const request_context& ctx, const responder& done,
               std::optional<ca::enos::app_credentials>* app);
    void apply(call& c, responder done);
    void renew(call& c, responder done);
    void revoke(call& c, responder done);
    void list(call& c, responder done);
    ca::engine::issue_callback issue_answer(std::shared_ptr<request_context> ctx, responder done);

    ca::engine& m_engine;
    ca::enos::registry& m_registry;
    ca::enos::device_service m_devices;
    device_routes m_device_routes;
    options m_options;
    token_service m_tokens;
    gateway_auth m_auth; // after m_options and m_tokens, which it refers to
    // Per-credential limit of the certificate calls (off unless options.rate_per_second > 0).
    rate_limiter m_limiter{rate_limiter::settings{m_options.rate_per_second, m_options.rate_burst}};
    // /connectService/... (the legacy SDK's paths), over the same device service and limit.
    legacy_routes m_legacy{m_engine, m_registry, m_options, m_limiter};
};

} // namespace localca::server::enos
