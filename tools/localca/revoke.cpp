// `localca revoke`: bulk revocation from the command line, through the database like `localca
// emca approve`, so it works while the server runs (its CRL fetches see the revocations through
// the authorities' counters: ca/crl_publisher.hpp).
#include "tools/localca/revoke.hpp"

#include "ca/bulk_revocation.hpp"
#include "ca/engine.hpp"
#include "storage/emca/bulk_filters.hpp"
#include "storage/enos/bulk_filters.hpp"
#include "storage/foundry/bulk_filters.hpp"
#include "tools/localca/cli.hpp"

#include <iostream>
#include <stdexcept>

namespace localca::tools {

storage::bulk_filters all_bulk_filters() {
    storage::bulk_filters filters;
    storage::add_core_bulk_filters(filters);
    storage::enos::add_bulk_filters(filters);
    storage::foundry::add_bulk_filters(filters);
    storage::emca::add_bulk_filters(filters);
    return filters;
}

namespace {

// Command-line option -> filter key.
constexpr std::pair<const char*, const char*> k_options[] = {
    {"--org", "orgId"},
    {"--product", "productKey"},
    {"--device", "deviceKey"},
    {"--account", "accountId"},
    {"--foundry-device", "deviceId"},
    {"--user", "userName"},
    {"--profile", "profileId"},
    {"--authority", "authority"},
    {"--serial-from", "serialFrom"},
    {"--serial-to", "serialTo"},
};

} // namespace

int run_bulk_revocation(const arguments& args, ca::engine& engine) {
    const auto* reason_text = args.get("--reason");
    if (!reason_text) {
        throw std::invalid_argument("--reason is required (e.g. keyCompromise or 1)");
    }
    const auto reason = ca::parse_reason(*reason_text);
    if (!reason) {
        throw std::invalid_argument("--reason must be an RFC 5280 name or one of 0, 1, 3, 4, 5, "
                                    "6, 9, not '" + *reason_text + "'");
    }
    ca::bulk_filter filter;
    for (const auto& [option, key] : k_options) {
        if (const auto* v = args.get(option)) {
            filter.emplace_back(key, *v);
        }
    }
    const auto filters = all_bulk_filters();
    auto compiled = ca::compile_filter(filters, filter);
    if (!compiled.problem.empty()) {
        throw std::invalid_argument(compiled.problem);
    }
    ca::bulk_revocation_request req;
    req.conditions = std::move(compiled.conditions);
    req.reason = *reason;
    req.audit = ca::audit_context{"cli", "", ""};
    const auto n = ca::revoke_matching(engine, filters, req);
    std::cout << "revoked " << n << " certificates" << std::endl;
    return 0;
}

} // namespace localca::tools
