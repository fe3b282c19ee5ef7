#include "server/admin/auth.hpp"

#include "ca/audit.hpp"
#include "storage/admin/token_repository.hpp"

namespace localca::server::admin {

auth_outcome check_token(const request_context& ctx, role needed, storage::store& store) {
    auth_outcome out;
    const auto it = ctx.req.find(http::field::authorization);
    if (it == ctx.req.end()) {
        return out;
    }
    const std::string_view value = it->value();
    constexpr std::string_view prefix = "Bearer ";
    if (value.substr(0, prefix.size()) != prefix || value.size() == prefix.size()) {
        return out;
    }
    // Looking the digest up (rather than comparing tokens) leaks nothing useful through timing:
    // an attacker would have to choose inputs by their SHA-256.
    const auto row = storage::admin::find_token_by_digest(
        store.reader(), ca::admin::token_digest(value.substr(prefix.size())));
    if (!row) {
        return out;
    }
    const auto granted = ca::admin::parse_role(row->role).value_or(role::viewer);
    principal who{row->name, granted};
    if (static_cast<int>(granted) < static_cast<int>(needed)) {
        out.refusal = http::status::forbidden;
        out.token_name = row->name;
        return out;
    }
    out.who = std::move(who);
    return out;
}

std::optional<principal> authorize(const request_context& ctx, role needed, storage::store& store,
                                   const ca::clock& clk, const responder& done) {
    auto outcome = check_token(ctx, needed, store);
    if (outcome.who) {
        return outcome.who;
    }
    if (outcome.refusal == http::status::forbidden) {
        // Known caller, too low a role: the entry names the token (never the token itself).
        ca::record_auth_denied(store, "admin:" + outcome.token_name, ctx.remote_address, clk);
        done(json_response(ctx.req, http::status::forbidden,
                           std::string(R"({"message":"Forbidden: this needs the )") +
                               ca::admin::to_string(needed) + R"( role"})"));
        return std::nullopt;
    }
    ca::record_auth_denied(store, "admin-token", ctx.remote_address, clk);
    done(json_response(ctx.req, http::status::unauthorized,
                       R"({"message":"Unauthorized: a valid admin token is required"})"));
    return std::nullopt;
}

} // namespace localca::server::admin
