#pragma once
// Lock-free metric primitives (a histogram with fixed buckets), here in storage because the
// writer is the lowest layer that observes one; ca/ and server/ use the same type, and the
// /metrics renderer reads snapshots of it. Observing is a few relaxed atomic adds: no mutex and
// no allocation, so it can sit on the issuance path.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

namespace localca::storage {

// What a histogram held at one moment: non-cumulative bucket counts (the last is +Inf), and the
// sum of the observed values. count() is the sum of the buckets, so that a snapshot taken while
// others observe is still consistent (+Inf bucket == _count, as Prometheus requires).
struct histogram_snapshot {
    std::vector<double> bounds;         // upper bounds, ascending, without +Inf
    std::vector<std::uint64_t> buckets; // bounds.size() + 1 entries
    double sum = 0;

    std::uint64_t count() const {
        std::uint64_t n = 0;
        for (const auto b : buckets) {
            n += b;
        }
        return n;
    }
};

class histogram {
public:
    static constexpr std::size_t k_max_bounds = 24;

    // `bounds`: ascending upper bounds (in base units: seconds, items), at most k_max_bounds.
    explicit histogram(std::span<const double> bounds) {
        if (bounds.size() > k_max_bounds) {
            throw std::invalid_argument("histogram: too many buckets");
        }
        for (const double b : bounds) {
            if (m_size > 0 && b <= m_bounds[m_size - 1]) {
                throw std::invalid_argument("histogram: bounds must ascend");
            }
            m_bounds[m_size++] = b;
        }
    }
    histogram(const histogram&) = delete;
    histogram& operator=(const histogram&) = delete;

    void observe(double value) {
        std::size_t i = 0;
        while (i < m_size && value > m_bounds[i]) {
            ++i;
        }
        m_buckets[i].fetch_add(1, std::memory_order_relaxed);
        m_sum.fetch_add(value, std::memory_order_relaxed);
    }

    histogram_snapshot snapshot() const {
        histogram_snapshot s;
        s.bounds.assign(m_bounds.begin(), m_bounds.begin() + m_size);
        s.buckets.resize(m_size + 1);
        for (std::size_t i = 0; i <= m_size; ++i) {
            s.buckets[i] = m_buckets[i].load(std::memory_order_relaxed);
        }
        s.sum = m_sum.load(std::memory_order_relaxed);
        return s;
    }

private:
    std::array<double, k_max_bounds> m_bounds{};
    std::size_t m_size = 0;
    std::array<std::atomic<std::uint64_t>, k_max_bounds + 1> m_buckets{};
    std::atomic<double> m_sum{0};
};

// Bucket bounds for latencies, in seconds: 0.5 ms to 10 s.
inline constexpr std::array<double, 14> k_latency_buckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};

} // namespace localca::storage
