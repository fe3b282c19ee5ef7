#pragma once
// HTTP request metrics for /metrics: a counter per (API, route template, status code) and a
// latency histogram per API. The router creates one route_metrics per (API, pattern) when the
// route is added, so a request only adds to atomics its route already holds: no lock, no
// allocation, and never a raw path (whose ids would make a series per device) as a label.
#include "storage/metrics.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace localca::server {

struct request_context;

class route_metrics {
public:
    route_metrics(std::string api, std::string route, storage::histogram& latency)
        : m_api(std::move(api)), m_route(std::move(route)), m_latency(latency) {}
    route_metrics(const route_metrics&) = delete;
    route_metrics& operator=(const route_metrics&) = delete;

    // Const: a sink that the (const) route table hands to every request.
    void record(unsigned status, double seconds) const;

    const std::string& api() const { return m_api; }
    const std::string& route() const { return m_route; }
    // (status code, requests), ascending, non-zero only.
    std::vector<std::pair<unsigned, std::uint64_t>> codes() const;

private:
    static constexpr unsigned k_first_code = 100, k_codes = 500; // 100..599; others count as 599
    std::string m_api, m_route;
    storage::histogram& m_latency;
    mutable std::array<std::atomic<std::uint64_t>, k_codes> m_counts{};
};

class request_metrics {
public:
    // The series of (api, pattern), created on first use. Not thread-safe: routes are added
    // before the server starts.
    route_metrics& route(const std::string& api, const std::string& pattern);

    // Counts one answered request: under its route, or under api "none", route "unmatched"
    // (no route: 404, 405, a request that could not be read).
    void record(const request_context& ctx, unsigned status, double seconds) const;

    std::vector<const route_metrics*> routes() const;
    // (api, latency histogram) by api name.
    std::vector<std::pair<std::string, const storage::histogram*>> latencies() const;

private:
    std::map<std::pair<std::string, std::string>, std::unique_ptr<route_metrics>> m_routes;
    std::map<std::string, std::unique_ptr<storage::histogram>> m_latency;
    // Created by the constructor, so that record() (const) never creates anything.
    route_metrics* m_unmatched = &route("none", "unmatched");
};

} // namespace localca::server
