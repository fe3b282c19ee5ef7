#pragma once
// The Foundry personality: ThingLogix Foundry's device self-provisioning API (AWS IoT
// certificates with a topic policy, bound to a Foundry device), over ca::managed_certificate_
// service, with a Mosquitto-ready view of the state in files.
//   GET    /foundry/certificates/generate[?topics=<url-encoded JSON array>]
//   POST   /foundry/certificates/provision   {"arn","certId","deviceId","topics"}
//   DELETE /foundry/certificates/revoke      certId, deviceId (query or JSON body)
//   GET    /foundry/certificates/{certId}
// Auth: "Authorization: Bearer <token>" or "x-api-key: <token>", tokens of seeded accounts.
// Wire format and every choice where Foundry's documents are silent: docs/foundry.md.
#include "ca/engine.hpp"
#include "ca/foundry/account_registry.hpp"
#include "ca/foundry/key_pool.hpp"
#include "ca/foundry/managed_certificate_service.hpp"
#include "server/core/router.hpp"
#include "server/foundry/mosquitto_view.hpp"
#include "server/foundry/options.hpp"

#include <memory>
#include <optional>
#include <string>

namespace localca::server::foundry {

class personality final : public server::personality {
public:
    // Writes the broker files once (when configured) and starts their refresher.
    personality(ca::engine& engine, ca::foundry::account_registry& accounts,
                ca::foundry::key_pool& keys, options opts);
    const char* name() const override { return "foundry"; }
    void add_routes(router& r) override;
    // {"success": false, "message": "internal error"}, HTTP 500.
    response internal_error(const request_context& ctx) const override;

private:
    void generate(std::shared_ptr<request_context> ctx, responder done);
    void provision(std::shared_ptr<request_context> ctx, responder done);
    void revoke(std::shared_ptr<request_context> ctx, responder done);
    void describe(std::shared_ptr<request_context> ctx, responder done);

    // The calling account, or nullopt (then the answer is 401).
    std::optional<ca::foundry::account_info> authenticate(const request_context& ctx);
    std::string arn_of(const ca::foundry::account_info& account, const std::string& id) const;
    // After a committed change: bring the broker files up to date.
    void publish_state();
    // Answers a service error (an internal one through the one path of the unexpected).
    void refuse(const request_context& ctx, const responder& done, const ca::error& e) const;
    // Answers provision/revoke: {"success": true} after publishing the new state.
    void changed(const request_context& ctx, const responder& done, const ca::status& st);

    ca::foundry::account_registry& m_accounts;
    ca::foundry::key_pool& m_keys;
    ca::foundry::managed_certificate_service m_certificates;
    options m_options;
    bool m_aia;                               // certificates carry AIA (config aia.foundry)
    std::shared_ptr<mosquitto_view> m_broker; // null when no broker file is configured
};

} // namespace localca::server::foundry
