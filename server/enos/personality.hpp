#pragma once
// The EnOS personality: the connect-service certificate API (apply, renew, revoke, list) behind
// the EnOS API gateway's token + signature auth, and the gateway's token service.
//   POST /apim-token-service/v2.0/token/get | /token/refresh
//   POST /connect-service/v2.{0,1}/certificates?action=apply|renew|revoke
//   GET  /connect-service/v2.{0,1}/certificates?action=list
// Wire format, codes and every choice where EnOS's documents are silent: docs/enos.md.
#include "ca/engine.hpp"
#include "ca/enos/device_service.hpp"
#include "ca/enos/registry.hpp"
#include "server/core/rate_limiter.hpp"
#include "server/core/router.hpp"
#include "server/enos/options.hpp"
#include "server/enos/token_service.hpp"

#include <boost/json/object.hpp>

namespace localca::server::enos {

class personality final : public server::personality {
public:
    personality(ca::engine& engine, ca::enos::registry& registry, options opts);
    const char* name() const override { return "enos"; }
    void add_routes(router& r) override;

private:
    struct call; // one parsed certificate call
    void token_call(std::shared_ptr<request_context> ctx, responder done, bool refresh);
    void certificates(std::shared_ptr<request_context> ctx, responder done);
    // False when the call must be answered 401. Sets *app to the calling app (none when off).
    bool authenticate(const request_context& ctx, std::optional<ca::enos::app_credentials>* app);
    void apply(call& c, responder done);
    void renew(call& c, responder done);
    void revoke(call& c, responder done);
    void list(call& c, responder done);
    ca::engine::issue_callback issue_answer(std::shared_ptr<request_context> ctx, responder done);

    ca::engine& m_engine;
    ca::enos::registry& m_registry;
    ca::enos::device_service m_devices;
    options m_options;
    token_service m_tokens;
    // Per-credential limit of the certificate calls (off unless options.rate_per_second > 0).
    rate_limiter m_limiter{rate_limiter::settings{m_options.rate_per_second, m_options.rate_burst}};
};

} // namespace localca::server::enos
