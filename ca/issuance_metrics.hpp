#pragma once
// Issuance counters for /metrics: certificates issued (and renewed) by API, authority and
// outcome. Lock-free: an API's name is interned once into a fixed slot (compare-and-swap), then
// every issuance is a few relaxed atomic adds. The API names come from the callers
// (issue_request::api: a personality's name, "pki" or "server"); the core knows none of them.
#include "ca/authority_kind.hpp"
#include "ca/errc.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::ca {

enum class issue_outcome { success, refused, error };
const char* to_string(issue_outcome o);

struct issue_count {
    std::string api;
    authority_kind authority = authority_kind::rsa;
    issue_outcome outcome = issue_outcome::success;
    bool renewal = false;
    std::uint64_t count = 0;
};

class issuance_metrics {
public:
    // Distinct API names counted under their own name; later ones (and names longer than
    // k_max_name) are counted as "other".
    static constexpr std::size_t k_max_apis = 15;
    static constexpr std::size_t k_max_name = 31;

    issuance_metrics() = default;
    issuance_metrics(const issuance_metrics&) = delete;
    issuance_metrics& operator=(const issuance_metrics&) = delete;

    // Adds `n` certificates of `api` to the counters.
    void record(std::string_view api, authority_kind authority, bool renewal, issue_outcome o,
                std::uint64_t n = 1);

    // `done`, counting its result first: success, refused (an expected ca::error) or error
    // (errc::internal). `Req` is an issue_request (api, authority, renewing_sn).
    template <class Req, class T>
    std::function<void(result<T>)> counted(const Req& req, std::function<void(result<T>)> done) {
        return counted_n<T>(req.api, req.authority, req.renewing_sn.has_value(), 1,
                            std::move(done));
    }
    // The same for an all-or-nothing batch: every request counts with the batch's outcome.
    template <class Req, class T>
    std::function<void(result<T>)> counted_batch(const std::vector<Req>& reqs,
                                                 std::function<void(result<T>)> done) {
        if (reqs.empty()) {
            return done;
        }
        std::array<std::uint64_t, 2> per_authority{};
        for (const auto& r : reqs) {
            ++per_authority[static_cast<std::size_t>(r.authority)];
        }
        const std::size_t slot = slot_of(reqs.front().api);
        const bool renewal = reqs.front().renewing_sn.has_value();
        return [this, slot, renewal, per_authority, done = std::move(done)](result<T> r) {
            for (std::size_t a = 0; a < per_authority.size(); ++a) {
                if (per_authority[a]) {
                    add(slot, static_cast<authority_kind>(a), renewal, outcome_of(r),
                        per_authority[a]);
                }
            }
            done(std::move(r));
        };
    }

    // Every non-zero counter, for the renderer.
    std::vector<issue_count> snapshot() const;

private:
    template <class T>
    std::function<void(result<T>)> counted_n(std::string_view api, authority_kind authority,
                                             bool renewal, std::uint64_t n,
                                             std::function<void(result<T>)> done) {
        const std::size_t slot = slot_of(api);
        return [this, slot, authority, renewal, n, done = std::move(done)](result<T> r) {
            add(slot, authority, renewal, outcome_of(r), n);
            done(std::move(r));
        };
    }
    template <class T> static issue_outcome outcome_of(const result<T>& r) {
        if (r) {
            return issue_outcome::success;
        }
        return r.err().code == errc::internal ? issue_outcome::error : issue_outcome::refused;
    }

    std::size_t slot_of(std::string_view api);
    void add(std::size_t slot, authority_kind authority, bool renewal, issue_outcome o,
             std::uint64_t n);

    static constexpr int k_free = 0, k_claimed = 1, k_ready = 2;
    struct api_slot {
        std::atomic<int> state{k_free};
        std::array<char, k_max_name + 1> name{}; // written once, before state becomes k_ready
        // [renewal][authority][outcome]
        std::array<std::atomic<std::uint64_t>, 2 * 2 * 3> counts{};
    };
    std::array<api_slot, k_max_apis + 1> m_slots; // the last one is "other"
};

} // namespace localca::ca
