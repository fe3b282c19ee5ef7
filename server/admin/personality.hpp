#pragma once
// The operator API, /admin/v1 (docs/admin-api.md, schemas/admin-api.openapi.json): inventory,
// one certificate in detail, revocation, statistics and audit search, for admin tokens
// (server/admin/auth.hpp). Vendor-neutral: owners and owner filters come from the vendor storage
// modules through storage::admin::owner_registry; vendor actions (emCA approvals) are routes of
// their own personality under /admin/v1/<vendor>/.
//
// Errors: {"message": "...", "parameter": "<name>"} (parameter only for a bad query parameter).
#include "ca/engine.hpp"
#include "server/core/router.hpp"
#include "storage/admin/owner_registry.hpp"

namespace localca::server::admin {

class personality final : public server::personality {
public:
    personality(ca::engine& engine, const storage::admin::owner_registry& owners);
    const char* name() const override { return "admin"; }
    void add_routes(router& r) override;
    response internal_error(const request_context& ctx) const override;

private:
    void list(std::shared_ptr<request_context> ctx, responder done);
    void get_one(std::shared_ptr<request_context> ctx, responder done);
    void revoke(std::shared_ptr<request_context> ctx, responder done);
    void stats(std::shared_ptr<request_context> ctx, responder done);
    void audit(std::shared_ptr<request_context> ctx, responder done);
    void whoami(std::shared_ptr<request_context> ctx, responder done);

    ca::engine& m_engine;
    const storage::admin::owner_registry& m_owners;
};

} // namespace localca::server::admin
