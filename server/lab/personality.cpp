#include "server/lab/personality.hpp"

#include "ca/lab_clock.hpp"

#include <boost/json.hpp>

namespace localca::server::lab {

namespace json = boost::json;

response bad_field(const request& req, const std::string& field, const std::string& message) {
    json::object o;
    o["message"] = message;
    o["field"] = field;
    return json_response(req, http::status::bad_request, json::serialize(o));
}

personality::personality(storage::store& store, std::shared_ptr<ca::offset_clock> clk,
                         fault_store& faults, authorizer auth)
    : m_store(store), m_clock(std::move(clk)), m_faults(faults), m_authorize(std::move(auth)) {}

void personality::add_routes(router& r) {
    r.add(http::verb::get, "/lab/v1/clock",
          [this](auto ctx, responder done) { get_clock(ctx, std::move(done)); });
    r.add(http::verb::post, "/lab/v1/clock",
          [this](auto ctx, responder done) { post_clock(ctx, std::move(done)); });
    r.add(http::verb::post, "/lab/v1/faults",
          [this](auto ctx, responder done) { add_fault(ctx, std::move(done)); });
    r.add(http::verb::get, "/lab/v1/faults",
          [this](auto ctx, responder done) { list_faults(ctx, std::move(done)); });
    r.add(http::verb::delete_, "/lab/v1/faults",
          [this](auto ctx, responder done) { delete_faults(ctx, std::move(done)); });
    r.add(http::verb::delete_, "/lab/v1/faults/{id}",
          [this](auto ctx, responder done) { delete_faults(ctx, std::move(done)); });
    if (m_snapshots) {
        add_snapshot_routes(r);
    }
}

std::string personality::clock_json() const {
    json::object o;
    o["now"] = ca::rfc3339(m_clock->now());
    o["offsetSeconds"] =
        std::chrono::duration_cast<std::chrono::seconds>(m_clock->offset()).count();
    return json::serialize(o);
}

void personality::get_clock(std::shared_ptr<request_context> ctx, responder done) {
    if (!m_authorize(*ctx, done)) {
        return;
    }
    done(json_response(ctx->req, http::status::ok, clock_json()));
}

void personality::post_clock(std::shared_ptr<request_context> ctx, responder done) {
    const auto actor = m_authorize(*ctx, done);
    if (!actor) {
        return;
    }
    boost::system::error_code ec;
    const auto body = json::parse(ctx->req.body(), ec);
    if (ec || !body.is_object()) {
        done(bad_field(ctx->req, "body", "body must be a JSON object"));
        return;
    }
    const auto& o = body.as_object();
    if (o.size() != 1) {
        done(bad_field(ctx->req, "body", "exactly one of advance, set, reset is required"));
        return;
    }
    ca::lab_clock_change change;
    if (const auto* v = o.if_contains("advance")) {
        const auto d = v->is_string() ? ca::parse_lab_duration(v->as_string()) : std::nullopt;
        if (!d) {
            done(bad_field(ctx->req, "advance",
                           "advance must be a duration such as \"30d\", \"12h\", \"90m\", \"45s\""));
            return;
        }
        change.what = ca::lab_clock_change::kind::advance;
        change.by = *d;
    } else if (const auto* v = o.if_contains("set")) {
        const auto t = v->is_string() ? ca::parse_rfc3339(v->as_string()) : std::nullopt;
        if (!t) {
            done(bad_field(ctx->req, "set",
                           "set must be an RFC 3339 time such as \"2027-01-01T00:00:00Z\""));
            return;
        }
        change.what = ca::lab_clock_change::kind::set;
        change.to = *t;
    } else if (const auto* v = o.if_contains("reset")) {
        if (!v->is_bool() || !v->as_bool()) {
            done(bad_field(ctx->req, "reset", "reset must be true"));
            return;
        }
        change.what = ca::lab_clock_change::kind::reset;
    } else {
        done(bad_field(ctx->req, o.begin()->key(),
                       "unknown field; one of advance, set, reset is required"));
        return;
    }
    const auto offset = ca::change_lab_clock(
        m_store, change, ca::audit_context{*actor, ctx->remote_address, ""});
    // At once, not at the next poll: the caller's next request must see the new time.
    m_clock->set_offset(offset);
    done(json_response(ctx->req, http::status::ok, clock_json()));
}

response personality::internal_error(const request_context& ctx) const {
    return json_response(ctx.req, http::status::internal_server_error,
                         R"({"message":"internal error"})");
}

} // namespace localca::server::lab
