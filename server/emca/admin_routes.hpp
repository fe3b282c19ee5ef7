#pragma once
// emCA's officer actions in the operator API (admin tokens, server/admin/auth.hpp), with the same
// effect as `localca emca pending|approve|reject`:
//   GET  /admin/v1/emca/pending                       viewer
//   POST /admin/v1/emca/requests/{id}/approve|reject  operator
#include "ca/engine.hpp"
#include "server/core/router.hpp"

namespace localca::server::emca {

class admin_routes final : public server::personality {
public:
    explicit admin_routes(ca::engine& engine) : m_engine(engine) {}
    const char* name() const override { return "admin-emca"; }
    void add_routes(router& r) override;
    response internal_error(const request_context& ctx) const override;

private:
    void decide(std::shared_ptr<request_context> ctx, responder done, bool approve);
    ca::engine& m_engine;
};

} // namespace localca::server::emca
