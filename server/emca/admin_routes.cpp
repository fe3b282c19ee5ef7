#include "server/emca/admin_routes.hpp"

#include "ca/emca/issuance_service.hpp"
#include "server/admin/auth.hpp"
#include "server/admin/codec.hpp"
#include "server/core/internal_error.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace localca::server::emca {

namespace json = boost::json;
using server::admin::error_json;
using server::admin::role;

response admin_routes::internal_error(const request_context& ctx) const {
    return error_json(ctx.req, http::status::internal_server_error, "internal error");
}

void admin_routes::add_routes(router& r) {
    r.add(http::verb::get, "/admin/v1/emca/pending", [this](auto ctx, responder done) {
        if (!admin::authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done)) {
            return;
        }
        ca::emca::issuance_service service(m_engine);
        json::array items;
        for (const auto& p : service.pending()) {
            items.push_back(json::object{{"requestId", p.request},
                                         {"user", p.user_name},
                                         {"id", p.item_id},
                                         {"profile", p.profile_id},
                                         {"subject", p.subject}});
        }
        done(json_response(ctx->req, http::status::ok,
                           json::serialize(json::object{{"items", std::move(items)}})));
    });
    r.add(http::verb::post, "/admin/v1/emca/requests/{id}/approve",
          [this](auto ctx, responder done) { decide(ctx, std::move(done), true); });
    r.add(http::verb::post, "/admin/v1/emca/requests/{id}/reject",
          [this](auto ctx, responder done) { decide(ctx, std::move(done), false); });
}

void admin_routes::decide(std::shared_ptr<request_context> ctx, responder done, bool approve) {
    const auto who =
        admin::authorize(*ctx, role::operator_role, m_engine.store(), m_engine.clock(), done);
    if (!who) {
        return;
    }
    const auto& s = ctx->path_params.at("id");
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), id);
    if (ec != std::errc() || p != s.data() + s.size() || id <= 0) {
        done(error_json(ctx->req, http::status::bad_request, "id must be a positive integer", "id"));
        return;
    }
    // Blocking service calls: this handler is on a worker thread.
    ca::emca::issuance_service service(m_engine);
    const ca::audit_context audit{who->actor(), ctx->remote_address, ""};
    auto refused = [&](const ca::error& e) {
        if (e.code == ca::errc::internal) {
            return answer_internal_error(*ctx, done, e.detail);
        }
        const auto status = e.code == ca::errc::request_not_found ? http::status::not_found
                                                                  : http::status::conflict;
        done(error_json(ctx->req, status, e.message + ": " + e.detail));
    };
    if (approve) {
        const auto r = service.approve(id, audit);
        if (!r) {
            return refused(r.err());
        }
        done(json_response(ctx->req, http::status::ok,
                           json::serialize(json::object{{"requestId", id},
                                                        {"status", "approved"},
                                                        {"certSN", std::to_string(r->sn)},
                                                        {"authority", ca::to_string(r->authority)}})));
    } else {
        const auto r = service.reject(id, audit);
        if (!r) {
            return refused(r.err());
        }
        done(json_response(ctx->req, http::status::ok,
                           json::serialize(json::object{{"requestId", id}, {"status", "rejected"}})));
    }
}

} // namespace localca::server::emca
