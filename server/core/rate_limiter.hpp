#pragma once
// A token-bucket rate limiter keyed by a string (an API credential, a source address). Generic:
// the personalities choose the key and the answer (e.g. 429 with the API's own error body).
//
// Each key has a bucket of `burst` tokens, refilled at `per_second` tokens per second; a call
// takes one token or is refused. Thread-safe (one mutex; a check is a hash lookup and a few
// arithmetic operations). Memory is bounded: at most `max_keys` buckets are kept; beyond that the
// least recently used bucket is dropped (a dropped key comes back with a full bucket, so under
// heavy key churn the limit errs on the lenient side, never on refusing a well-behaved client).
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace localca::server {

class rate_limiter {
public:
    using clock = std::chrono::steady_clock;

    struct settings {
        // Tokens added per second. 0 (default) = no limit: every call is allowed.
        double per_second = 0;
        // Bucket size: the calls a key may make at once after being idle. 0 (default) = per_second
        // rounded up, and at least 1.
        double burst = 0;
        // Most buckets kept. Default 10000.
        std::size_t max_keys = 10000;
    };

    struct decision {
        bool allowed = true;
        // When refused: time until the next token, rounded up to whole seconds (at least 1).
        std::chrono::seconds retry_after{0};
    };

    explicit rate_limiter(settings s);
    rate_limiter(const rate_limiter&) = delete;
    rate_limiter& operator=(const rate_limiter&) = delete;

    bool enabled() const { return m_per_second > 0; }
    double per_second() const { return m_per_second; }
    double burst() const { return m_burst; }

    // Takes one token of `key`'s bucket if there is one. `now` is for tests.
    decision acquire(std::string_view key, clock::time_point now = clock::now());

    // Buckets currently kept.
    std::size_t size() const;

private:
    struct bucket {
        std::string key;
        double tokens;
        clock::time_point updated;
    };
    using lru_list = std::list<bucket>; // most recently used first

    double m_per_second;
    double m_burst;
    std::size_t m_max_keys;

    mutable std::mutex m_mutex;
    lru_list m_lru;
    std::unordered_map<std::string_view, lru_list::iterator> m_index; // views into m_lru keys
};

} // namespace localca::server
