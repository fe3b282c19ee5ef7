#include "server/core/internal_error.hpp"

#include "server/core/log.hpp"
#include "server/core/router.hpp"
#include "server/core/url.hpp"

#include <string>

namespace localca::server {

namespace {

// Routes added outside a personality (tests, the transport's own) answer like the transport.
constexpr const char* k_unexpected = R"({"message":"An unexpected error occurred"})";

response render(const request_context& ctx) {
    if (ctx.api) {
        try {
            return ctx.api->internal_error(ctx);
        } catch (const std::exception& e) {
            log::error("request " + ctx.request_id + ": " + ctx.api->name() +
                       " could not render its internal error: " + e.what());
        }
    }
    return json_response(ctx.req, http::status::internal_server_error, k_unexpected);
}

} // namespace

void answer_internal_error(const request_context& ctx, const responder& done,
                           std::string_view what) noexcept {
    try {
        log::error("request " + ctx.request_id + " " + std::string(ctx.req.method_string()) + " " +
                   log_safe_path(ctx.req.target()) + (ctx.api ? std::string(" (") + ctx.api->name() + ")" : std::string()) +
                   " failed: " + std::string(what));
        done(render(ctx));
    } catch (...) {
        // Out of memory or a responder that throws: the session's reply slot answers 500 when
        // the last responder copy goes without an answer.
    }
}

} // namespace localca::server
