#pragma once
// Fault injection's seam in the transport (lab mode, docs/lab.md). The core knows no vendor and
// no rule: an injector (server/lab/faults) decides whether a call fires a fault, from the API,
// the operation and the attributes the personality extracted; the personality renders a
// vendorError in its own format. One call of intercept_fault() per handler, after the request
// is parsed and authenticated and before anything is issued or written.
#include "server/core/request_context.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace localca::server {

class request_metrics;

// The attributes a rule's "match" compares with: orgId, deviceKey, accountId, userName, ...
using fault_attributes = std::map<std::string, std::string>;

struct fault_effect {
    enum class kind { vendor_error, http_status, delay, reset, truncate };
    kind what = kind::http_status;
    std::string vendor_error;           // vendor_error: a JSON object, the vendor's own fields
    unsigned status = 503;              // http_status
    std::chrono::milliseconds delay{0}; // delay
};

const char* to_string(fault_effect::kind k);

class fault_injector {
public:
    virtual ~fault_injector() = default;
    // The effect of the first live rule matching the call, counted as fired; nullopt: none.
    virtual std::optional<fault_effect> fire(const request_context& ctx, std::string_view api,
                                             std::string_view operation,
                                             const fault_attributes& attributes) = 0;
};

// Shared by a router and its copies: where the lab installs its injector (none: no faults).
struct fault_slot {
    std::atomic<fault_injector*> injector{nullptr};
    const request_metrics* metrics = nullptr;
};

// Renders a vendorError's fields (a JSON object) as the API's own error answer.
using vendor_error_renderer =
    std::function<response(const request_context& ctx, const std::string& fields)>;

// Asks the request's injector about (its API, operation, attributes). Returns true when the
// fault answered the call (the handler must return at once: nothing may be issued or written);
// false when the call goes on, perhaps with its answer held back (delay).
bool intercept_fault(request_context& ctx, std::string_view operation,
                     const fault_attributes& attributes, const responder& done,
                     const vendor_error_renderer& render);

} // namespace localca::server
