#pragma once
// The operator API's read-only browse lists (docs/admin-api.md, "Browse"): one GET route under
// /admin/v1/ for each storage::admin::browse_source the vendor storage modules describe (EnOS
// orgs/products/devices, Foundry accounts/devices/certificates, emCA users/profiles), for viewer
// tokens, paginated with limit + cursor like the inventory. Vendor-neutral: the routes, columns
// and scopes come from the sources, wired in tools/localca.
#include "ca/engine.hpp"
#include "server/core/router.hpp"
#include "storage/admin/browse.hpp"

#include <vector>

namespace localca::server::admin {

class browse_routes final : public server::personality {
public:
    browse_routes(ca::engine& engine, std::vector<storage::admin::browse_source> sources);
    const char* name() const override { return "admin"; }
    void add_routes(router& r) override;
    response internal_error(const request_context& ctx) const override;

private:
    void list(const storage::admin::browse_source& source, std::shared_ptr<request_context> ctx,
              const responder& done);

    ca::engine& m_engine;
    std::vector<storage::admin::browse_source> m_sources;
};

} // namespace localca::server::admin
