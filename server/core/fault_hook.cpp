#include "server/core/fault_hook.hpp"

#include "server/core/request_metrics.hpp"
#include "server/core/router.hpp"

namespace localca::server {

const char* to_string(fault_effect::kind k) {
    switch (k) {
    case fault_effect::kind::vendor_error:
        return "vendorError";
    case fault_effect::kind::http_status:
        return "httpStatus";
    case fault_effect::kind::delay:
        return "delayMs";
    case fault_effect::kind::reset:
        return "reset";
    case fault_effect::kind::truncate:
        return "truncate";
    }
    return "unknown";
}

bool intercept_fault(request_context& ctx, std::string_view operation,
                     const fault_attributes& attributes, const responder& done,
                     const vendor_error_renderer& render) {
    fault_injector* injector = ctx.faults ? ctx.faults->injector.load() : nullptr;
    if (!injector || !ctx.api) {
        return false;
    }
    const std::string api = ctx.api->name();
    const auto effect = injector->fire(ctx, api, operation, attributes);
    if (!effect) {
        return false;
    }
    if (ctx.faults->metrics) {
        ctx.faults->metrics->record_fault(api, std::string(operation), to_string(effect->what));
    }
    using k = fault_effect::kind;
    switch (effect->what) {
    case k::delay:
        // The call goes on now; the session holds its answer back on an asio timer, so neither
        // a network thread nor a worker waits.
        ctx.answer_delay = effect->delay;
        return false;
    case k::vendor_error:
        done(render(ctx, effect->vendor_error));
        return true;
    case k::http_status: {
        // The API's own error body, under the rule's status.
        auto res = ctx.api->internal_error(ctx);
        res.result(effect->status);
        done(std::move(res));
        return true;
    }
    case k::reset:
    case k::truncate:
        // Nothing to cut but an error answer: a faulted call issues nothing.
        ctx.transport = effect->what == k::reset ? request_context::transport_fault::reset
                                                 : request_context::transport_fault::truncate;
        done(ctx.api->internal_error(ctx));
        return true;
    }
    return false;
}

} // namespace localca::server
