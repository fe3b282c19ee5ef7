#include "server/core/request_metrics.hpp"

#include "server/core/request_context.hpp"

namespace localca::server {

void route_metrics::record(unsigned status, double seconds) const {
    const unsigned i = status >= k_first_code && status < k_first_code + k_codes
                           ? status - k_first_code
                           : k_codes - 1;
    m_counts[i].fetch_add(1, std::memory_order_relaxed);
    m_latency.observe(seconds);
}

std::vector<std::pair<unsigned, std::uint64_t>> route_metrics::codes() const {
    std::vector<std::pair<unsigned, std::uint64_t>> out;
    for (unsigned i = 0; i < k_codes; ++i) {
        if (const auto n = m_counts[i].load(std::memory_order_relaxed)) {
            out.emplace_back(k_first_code + i, n);
        }
    }
    return out;
}

route_metrics& request_metrics::route(const std::string& api, const std::string& pattern) {
    auto& latency = m_latency[api];
    if (!latency) {
        latency = std::make_unique<storage::histogram>(storage::k_latency_buckets);
    }
    auto& r = m_routes[{api, pattern}];
    if (!r) {
        r = std::make_unique<route_metrics>(api, pattern, *latency);
    }
    return *r;
}

void request_metrics::record(const request_context& ctx, unsigned status, double seconds) const {
    (ctx.metrics ? ctx.metrics : m_unmatched)->record(status, seconds);
}

std::vector<const route_metrics*> request_metrics::routes() const {
    std::vector<const route_metrics*> out;
    for (const auto& [key, r] : m_routes) {
        out.push_back(r.get());
    }
    return out;
}

std::vector<std::pair<std::string, const storage::histogram*>> request_metrics::latencies() const {
    std::vector<std::pair<std::string, const storage::histogram*>> out;
    for (const auto& [api, h] : m_latency) {
        out.emplace_back(api, h.get());
    }
    return out;
}

} // namespace localca::server
