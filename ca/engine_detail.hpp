#pragma once
// What the engine's files share (engine.cpp, engine_init.cpp, engine_issue.cpp,
// engine_revoke.cpp, engine_crl.cpp): the authorities' file names, the clock read in whole
// seconds, and how a writer job's outcome reaches its caller. Not for use outside the engine.
#include "ca/authority_kind.hpp"
#include "ca/clock.hpp"
#include "ca/errc.hpp"
#include "storage/writer.hpp"

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace localca::ca::engine_detail {

inline constexpr authority_kind k_kinds[] = {authority_kind::rsa, authority_kind::ecc};

// File stem of an authority's files under <data>/ca: "rsa" / "ecc".
inline std::string stem_of(authority_kind kind) {
    return kind == authority_kind::rsa ? "rsa" : "ecc";
}

std::chrono::system_clock::time_point now_seconds(const clock& clk);

// An unexpected failure as the engine's errc::internal, its message as the detail.
error internal_error(const std::exception& e);
error internal_error(const std::exception_ptr& p);

// Queues a writer job whose outcome reaches `done` after the COMMIT: the job's or the commit's
// exception as an internal error, else the refusal the job recorded (then it wrote nothing),
// else make_value(). A writer that no longer accepts jobs is an internal error too.
template <class T, class Make>
void submit_job(storage::writer& writer, storage::writer::job job,
                std::shared_ptr<std::optional<error>> refusal, Make make_value,
                std::function<void(result<T>)> done) {
    auto completion = [done, refusal, make_value](std::exception_ptr failure) mutable {
        if (failure) {
            done(internal_error(failure));
        } else if (refusal && *refusal) {
            done(std::move(**refusal));
        } else {
            done(make_value());
        }
    };
    try {
        writer.submit(std::move(job), std::move(completion));
    } catch (const std::exception& e) {
        done(internal_error(e));
    }
}

} // namespace localca::ca::engine_detail
