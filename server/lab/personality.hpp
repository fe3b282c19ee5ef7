#pragma once
// The lab API (docs/lab.md), routed only when lab mode is on (config lab.enabled); otherwise
// every /lab/v1 path is an ordinary 404.
//  - GET  /lab/v1/clock   {"now":"<RFC 3339>","offsetSeconds":N}
//  - POST /lab/v1/clock   {"advance":"30d"} | {"set":"2027-01-01T00:00:00Z"} | {"reset":true}
//                         answers like GET; bad input: 400 {"message":…, "field":"advance"}
//  - POST   /lab/v1/faults       a rule (server/lab/faults.hpp) -> 201 the rule with its id
//  - GET    /lab/v1/faults       {"rules":[…, with "id" and "fired"]}
//  - DELETE /lab/v1/faults[/id]  all rules, or one (404 if unknown) -> {"removed":N}
// Every request passes the authorizer first (it answers a refusal itself: 401/403); every
// change is audited with the actor it names.
#include "ca/clock.hpp"
#include "server/core/router.hpp"
#include "server/lab/faults.hpp"
#include "storage/store.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace localca::server::lab {

// Who may use the lab API: the actor name for the audit log, or nullopt when it refused the
// caller (then it has answered through the responder). The composition root decides: an
// operator admin token (tools/localca/lab.cpp).
using authorizer =
    std::function<std::optional<std::string>(const request_context&, const responder&)>;

// 400 {"message":…, "field":…}: the lab API's answer to bad input.
response bad_field(const request& req, const std::string& field, const std::string& message);

class personality final : public server::personality {
public:
    personality(storage::store& store, std::shared_ptr<ca::offset_clock> clk, fault_store& faults,
                authorizer auth);
    const char* name() const override { return "lab"; }
    void add_routes(router& r) override;
    // 500 {"message":"internal error"}, the lab API's error shape.
    response internal_error(const request_context& ctx) const override;

private:
    void get_clock(std::shared_ptr<request_context> ctx, responder done);
    void post_clock(std::shared_ptr<request_context> ctx, responder done);
    std::string clock_json() const;
    // fault_routes.cpp
    void add_fault(std::shared_ptr<request_context> ctx, responder done);
    void list_faults(std::shared_ptr<request_context> ctx, responder done);
    void delete_faults(std::shared_ptr<request_context> ctx, responder done);
    void audit(const std::string& actor, const request_context& ctx, const std::string& what);

    storage::store& m_store;
    std::shared_ptr<ca::offset_clock> m_clock;
    fault_store& m_faults;
    authorizer m_authorize;
};

} // namespace localca::server::lab
