#include "ca/issuance_metrics.hpp"

#include <algorithm>
#include <thread>

namespace localca::ca {

namespace {

std::size_t index_of(bool renewal, authority_kind authority, issue_outcome o) {
    return (renewal ? 6 : 0) + static_cast<std::size_t>(authority) * 3 +
           static_cast<std::size_t>(o);
}

} // namespace

const char* to_string(issue_outcome o) {
    switch (o) {
    case issue_outcome::success:
        return "success";
    case issue_outcome::refused:
        return "refused";
    case issue_outcome::error:
        return "error";
    }
    return "error";
}

std::size_t issuance_metrics::slot_of(std::string_view api) {
    const std::size_t other = k_max_apis;
    if (api.empty() || api.size() > k_max_name) {
        return other;
    }
    for (std::size_t i = 0; i < k_max_apis; ++i) {
        auto& s = m_slots[i];
        int state = s.state.load(std::memory_order_acquire);
        if (state == k_free &&
            s.state.compare_exchange_strong(state, k_claimed, std::memory_order_acq_rel)) {
            std::copy(api.begin(), api.end(), s.name.begin());
            s.state.store(k_ready, std::memory_order_release);
            return i;
        }
        // Another thread is writing this slot's name: it takes a few instructions, once per
        // API for the life of the process.
        while (state == k_claimed) {
            std::this_thread::yield();
            state = s.state.load(std::memory_order_acquire);
        }
        if (std::string_view(s.name.data()) == api) {
            return i;
        }
    }
    return other;
}

void issuance_metrics::add(std::size_t slot, authority_kind authority, bool renewal,
                           issue_outcome o, std::uint64_t n) {
    m_slots[slot].counts[index_of(renewal, authority, o)].fetch_add(n, std::memory_order_relaxed);
}

void issuance_metrics::record(std::string_view api, authority_kind authority, bool renewal,
                              issue_outcome o, std::uint64_t n) {
    add(slot_of(api), authority, renewal, o, n);
}

std::vector<issue_count> issuance_metrics::snapshot() const {
    std::vector<issue_count> out;
    for (std::size_t i = 0; i <= k_max_apis; ++i) {
        const auto& s = m_slots[i];
        if (i < k_max_apis && s.state.load(std::memory_order_acquire) != k_ready) {
            continue;
        }
        const std::string api = i < k_max_apis ? std::string(s.name.data()) : "other";
        for (const bool renewal : {false, true}) {
            for (const auto a : {authority_kind::rsa, authority_kind::ecc}) {
                for (const auto o :
                     {issue_outcome::success, issue_outcome::refused, issue_outcome::error}) {
                    const auto n =
                        s.counts[index_of(renewal, a, o)].load(std::memory_order_relaxed);
                    if (n) {
                        out.push_back({api, a, o, renewal, n});
                    }
                }
            }
        }
    }
    return out;
}

} // namespace localca::ca
