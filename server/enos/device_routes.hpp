#pragma once
// EnOS's connect-service v2.1 device API over ca::enos::device_management:
//   GET  /connect-service/v2.1/devices?action=get
//   POST /connect-service/v2.1/devices?action=create|update|delete|enable|disable|search
// The personality authenticates the call (gateway auth, rate limit) first; this answers it with
// EnOS's envelope. Field rules, codes and choices: docs/enos.md, "Device management".
#include "ca/enos/device_management.hpp"
#include "ca/enos/registry.hpp"
#include "server/core/request_context.hpp"

#include <memory>
#include <optional>

namespace localca::server::enos {

class device_routes {
public:
    device_routes(ca::engine& engine, ca::enos::registry& registry)
        : m_registry(registry), m_devices(engine, registry) {}

    // `app` is the authenticated caller (none when enos.auth is off); `actor` names it in the
    // audit log.
    void handle(std::shared_ptr<request_context> ctx, const std::optional<ca::enos::app_credentials>& app,
                responder done);

private:
    ca::enos::registry& m_registry;
    ca::enos::device_management m_devices;
};

} // namespace localca::server::enos
