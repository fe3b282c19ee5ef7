#pragma once
// Bulk revocation: every live certificate a filter selects, with one reason, in batches.
// The filter keys are the modules' (storage/bulk_filters.hpp); this core only batches.
//
// Each batch is one writer job of at most `batch` certificates (200 keeps the writer's hold
// well under ~50 ms, so issuance keeps flowing): status change, the vendors' state hooks, one
// audit entry per certificate and the authorities' revocation counters. Not all or nothing: an
// interrupted run leaves whole batches committed, and a repeated run selects only what is still
// live, so it finishes the rest (already revoked certificates are skipped, not errors).
#include "ca/audit.hpp"
#include "ca/engine.hpp"
#include "storage/bulk_filters.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace localca::ca {

// The filter as given: key -> value (numbers as their decimal text).
using bulk_filter = std::vector<std::pair<std::string, std::string>>;

// The conditions of a filter, or what is wrong with it (empty filter, unknown key naming it,
// invalid value) in `problem`.
struct compiled_filter {
    std::vector<storage::sql_condition> conditions;
    std::string problem; // empty when valid
};
compiled_filter compile_filter(const storage::bulk_filters& filters, const bulk_filter& filter);

// An RFC 5280 reason by name ("keyCompromise") or code ("1"), among those revoke() accepts.
std::optional<int> parse_reason(std::string_view text);

struct bulk_revocation_request {
    std::vector<storage::sql_condition> conditions; // from compile_filter
    int reason = 0;
    audit_context audit;
    int batch = 200;
};

// Runs the batches on the calling thread (a worker or the CLI, never the writer's); returns how
// many certificates this call revoked. Throws only for the unexpected (storage failure): the
// batches committed before it stay.
std::int64_t revoke_matching(engine& e, const storage::bulk_filters& filters,
                             const bulk_revocation_request& req);

} // namespace localca::ca
