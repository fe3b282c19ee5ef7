#include "server/core/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace localca::server {

rate_limiter::rate_limiter(settings s)
    : m_per_second(s.per_second), m_burst(s.burst),
      m_max_keys(std::max<std::size_t>(1, s.max_keys)) {
    if (!(m_per_second >= 0) || !(m_burst >= 0) || !std::isfinite(m_per_second) ||
        !std::isfinite(m_burst)) {
        throw std::invalid_argument("rate limit: perSecond and burst must be finite and >= 0");
    }
    if (m_burst == 0) {
        m_burst = std::max(1.0, std::ceil(m_per_second));
    }
    // A bucket smaller than one token would refuse everything.
    m_burst = std::max(1.0, m_burst);
}

rate_limiter::decision rate_limiter::acquire(std::string_view key, clock::time_point now) {
    if (!enabled()) {
        return {};
    }
    std::lock_guard lock(m_mutex);
    auto found = m_index.find(key);
    lru_list::iterator b;
    if (found == m_index.end()) {
        if (m_index.size() >= m_max_keys) {
            m_index.erase(m_lru.back().key);
            m_lru.pop_back();
        }
        m_lru.push_front(bucket{std::string(key), m_burst, now});
        b = m_lru.begin();
        m_index.emplace(b->key, b);
    } else {
        b = found->second;
        m_lru.splice(m_lru.begin(), m_lru, b); // iterators and the key's storage stay valid
        if (now > b->updated) {
            const std::chrono::duration<double> elapsed = now - b->updated;
            b->tokens = std::min(m_burst, b->tokens + elapsed.count() * m_per_second);
            b->updated = now;
        }
    }
    if (b->tokens >= 1.0) {
        b->tokens -= 1.0;
        return {};
    }
    const double wait = (1.0 - b->tokens) / m_per_second;
    return {false,
            std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))))};
}

std::size_t rate_limiter::size() const {
    std::lock_guard lock(m_mutex);
    return m_index.size();
}

} // namespace localca::server
