#include "ca/bulk_revocation.hpp"

#include "storage/certificate_repository.hpp"
#include "storage/crl_state_repository.hpp"

#include <map>
#include <stdexcept>

namespace localca::ca {

compiled_filter compile_filter(const storage::bulk_filters& filters, const bulk_filter& filter) {
    compiled_filter out;
    if (filter.empty()) {
        out.problem = "the filter is empty: give at least one key";
        return out;
    }
    for (const auto& [key, value] : filter) {
        const auto* k = filters.find(key);
        if (!k) {
            out.problem = "unknown filter key \"" + key + "\"";
            out.conditions.clear();
            return out;
        }
        auto cond = k->condition(value);
        if (!cond) {
            out.problem = "invalid value \"" + value + "\" for filter key \"" + key + "\"";
            out.conditions.clear();
            return out;
        }
        out.conditions.push_back(std::move(*cond));
    }
    return out;
}

std::optional<int> parse_reason(std::string_view text) {
    static const std::map<std::string_view, int> names = {
        {"unspecified", 0},         {"keyCompromise", 1},        {"affiliationChanged", 3},
        {"superseded", 4},          {"cessationOfOperation", 5}, {"certificateHold", 6},
        {"privilegeWithdrawn", 9},
    };
    if (const auto it = names.find(text); it != names.end()) {
        return it->second;
    }
    for (const auto& [name, code] : names) {
        if (text == std::to_string(code)) {
            return code;
        }
    }
    return std::nullopt;
}

std::int64_t revoke_matching(engine& e, const storage::bulk_filters& filters,
                             const bulk_revocation_request& req) {
    if (req.conditions.empty()) {
        // compile_filter refuses an empty filter; an empty list here would revoke everything.
        throw std::invalid_argument("bulk revocation without a condition");
    }
    if (!parse_reason(std::to_string(req.reason))) {
        throw std::invalid_argument("bulk revocation with reason " + std::to_string(req.reason));
    }
    std::int64_t total = 0;
    std::int64_t after = 0;
    for (;;) {
        const std::int64_t now = e.clock().now_unix();
        // Selected on the reader (not holding the writer), checked again in the writer job.
        const auto batch = storage::select_live(e.store().reader(), req.conditions, now, after,
                                                req.batch);
        if (batch.empty()) {
            break;
        }
        after = batch.back().sn;
        std::int64_t revoked = 0;
        e.store().writer().run([&](storage::connection& db) {
            revoked = 0;
            std::map<std::string, std::int64_t> per_authority;
            for (const auto& c : batch) {
                // False when another request revoked it meanwhile: skipped, not an error.
                if (!storage::revoke_certificate(db, c.sn, now, req.reason)) {
                    continue;
                }
                for (const auto& hook : filters.hooks()) {
                    hook(db, c.sn);
                }
                append_audit(db, make_audit_event(req.audit, "revoke", c.sn,
                                                  subject_text(c.subject_der)),
                             e.clock());
                ++per_authority[c.authority];
                ++revoked;
            }
            for (const auto& [authority, n] : per_authority) {
                storage::count_revocations(db, authority, n);
            }
        });
        total += revoked;
        if (revoked > 0) {
            e.notify_revoked();
        }
    }
    return total;
}

} // namespace localca::ca
