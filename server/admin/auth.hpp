#pragma once
// Admin-token check of the operator API (and of anything else an admin token opens, such as
// /metrics): `Authorization: Bearer <token>`, looked up by SHA-256 in admin_tokens on every
// request, so that `localca admin token create|revoke` takes effect while the server runs.
//
// Runs SQL: call it on a worker thread (a handler), never on a network thread.
#include "ca/admin/admin_token.hpp"
#include "ca/clock.hpp"
#include "server/core/request_context.hpp"
#include "storage/store.hpp"

#include <optional>
#include <string>

namespace localca::server::admin {

using ca::admin::role;

struct principal {
    std::string name; // the token's name
    role granted = role::viewer;
    // "admin:<name>", the actor of the audit entries this caller causes.
    std::string actor() const { return "admin:" + name; }
};

struct auth_outcome {
    std::optional<principal> who;
    // When !who: 401 (no, malformed or unknown token) or 403 (a valid token of a lower role).
    http::status refusal = http::status::unauthorized;
    std::string token_name; // set for a 403: the token was valid
};

// Checks the request's token against `needed`; writes nothing.
auth_outcome check_token(const request_context& ctx, role needed, storage::store& store);

// check_token(), and on refusal answers 401/403 as JSON {"message": …} through `done` and
// queues an "auth"/"denied" audit entry. Returns the caller when it may proceed.
std::optional<principal> authorize(const request_context& ctx, role needed, storage::store& store,
                                   const ca::clock& clk, const responder& done);

} // namespace localca::server::admin
