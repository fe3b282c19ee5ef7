#pragma once
// The lab API (docs/lab.md), routed only when lab mode is on (config lab.enabled); otherwise
// every /lab/v1 path is an ordinary 404.
//  - GET  /lab/v1/clock   {"now":"<RFC 3339>","offsetSeconds":N}
//  - POST /lab/v1/clock   {"advance":"30d"} | {"set":"2027-01-01T00:00:00Z"} | {"reset":true}
//                         answers like GET; bad input: 400 {"message":…, "field":"advance"}
// Every request passes the authorizer first (401 when it refuses); every change is audited
// with the actor it names.
#include "ca/clock.hpp"
#include "server/core/router.hpp"
#include "storage/store.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace localca::server::lab {

// Who may use the lab API: the actor name for the audit log, or nullopt to refuse (401).
// The composition root decides (an operator admin token once the admin API exists).
using authorizer = std::function<std::optional<std::string>(const request_context&)>;

class personality final : public server::personality {
public:
    personality(storage::store& store, std::shared_ptr<ca::offset_clock> clk, authorizer auth);
    const char* name() const override { return "lab"; }
    void add_routes(router& r) override;
    // 500 {"message":"internal error"}, the lab API's error shape.
    response internal_error(const request_context& ctx) const override;

private:
    void get_clock(std::shared_ptr<request_context> ctx, responder done);
    void post_clock(std::shared_ptr<request_context> ctx, responder done);
    std::string clock_json() const;

    storage::store& m_store;
    std::shared_ptr<ca::offset_clock> m_clock;
    authorizer m_authorize;
};

} // namespace localca::server::lab
