#pragma once
// The one path of the unexpected. An exception escaping a handler (run on a worker thread) or an
// asynchronous completion (an engine callback, run on the storage writer thread), and an
// errc::internal result a personality receives, all end here: logged once with the request id,
// answered in the format of the API whose route matched (personality::internal_error). The
// catching itself happens only in run_guarded(): the session runs every handler through it, and
// personalities wrap their completions with guarded().
#include "server/core/request_context.hpp"

#include <exception>
#include <memory>
#include <string_view>
#include <utility>

namespace localca::server {

// Logs `what` (never sent to the client) with the request id and answers ctx with its API's
// internal error. Never throws.
void answer_internal_error(const request_context& ctx, const responder& done,
                           std::string_view what) noexcept;

// Runs f(); what it throws is answered by answer_internal_error().
template <class F>
void run_guarded(const request_context& ctx, const responder& done, F&& f) noexcept {
    try {
        std::forward<F>(f)();
    } catch (const std::exception& e) {
        answer_internal_error(ctx, done, e.what());
    } catch (...) {
        answer_internal_error(ctx, done, "a non-standard exception");
    }
}

// `completion` wrapped so that what it throws takes the same path as a handler's exception
// (instead of reaching the thread that completes it, such as the storage writer).
template <class F> auto guarded(std::shared_ptr<request_context> ctx, responder done, F completion) {
    return [ctx = std::move(ctx), done = std::move(done),
            completion = std::move(completion)](auto&&... args) mutable {
        run_guarded(*ctx, done, [&] { completion(std::forward<decltype(args)>(args)...); });
    };
}

} // namespace localca::server
