#pragma once
// GET /metrics: LocalCA's state in the Prometheus text exposition format 0.0.4
// (docs/admin-api.md, "Metrics"). Needs an admin token of role viewer unless metrics.public.
//
// Counters and histograms are lock-free atomics that the components own (router: requests;
// engine: issuance; writer: queue, batches, commits) and that this route only reads. What comes
// from the database (certificates by status, revocations, audit entries) is one set of queries
// cached for a few seconds, so a scrape every second costs the database little.
#include "ca/engine.hpp"
#include "server/core/exposition.hpp"
#include "server/core/router.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace localca::server::admin {

struct metrics_options {
    bool public_access = false; // config metrics.public: no token needed
    std::string version;        // of localca_build_info
    std::chrono::seconds cache_for{5};
};

class metrics_routes final : public server::personality {
public:
    // `routes` is the table whose request counters are reported (the one this adds itself to).
    metrics_routes(ca::engine& engine, const router& routes, metrics_options opts);
    const char* name() const override { return "metrics"; }
    void add_routes(router& r) override;
    response internal_error(const request_context& ctx) const override;

    // A pool of pre-generated keys of an API, reported as localca_key_pool_keys{api}. Before
    // the server starts; `ready` is called on each scrape from a worker thread.
    void add_key_pool(std::string api, std::function<std::size_t()> ready);

    // The whole exposition (worker thread: it may read the database).
    std::string render();

private:
    struct database_figures {
        std::vector<std::pair<std::string, std::int64_t>> by_status; // status -> certificates
        std::vector<std::pair<std::pair<std::string, std::string>, std::int64_t>>
            revoked; // (api, authority) -> n
        std::vector<std::pair<std::string, std::optional<std::int64_t>>> crl_this_update;
        std::int64_t audit_entries = 0;
    };
    database_figures figures();
    void render_requests(exposition& out) const;
    void render_issuance(exposition& out) const;
    void render_writer(exposition& out) const;
    void render_database(exposition& out);

    ca::engine& m_engine;
    const router& m_routes;
    const metrics_options m_options;
    std::vector<std::pair<std::string, std::function<std::size_t()>>> m_key_pools;

    std::mutex m_cache_mutex; // scrapes only, never a request of another route
    std::optional<database_figures> m_cache;
    std::chrono::steady_clock::time_point m_cached_at;
};

} // namespace localca::server::admin
