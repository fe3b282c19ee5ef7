// /lab/v1/faults: the lab API over the fault rules (server/lab/faults.hpp).
#include "ca/audit.hpp"
#include "server/lab/personality.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace localca::server::lab {

namespace json = boost::json;

void personality::audit(const std::string& actor, const request_context& ctx,
                        const std::string& what, const std::string& action) {
    ca::audit_event e;
    e.actor = actor;
    e.action = action;
    e.subject = what;
    e.source_ip = ctx.remote_address;
    ca::record_audit(m_store, e, *m_clock);
}

void personality::add_fault(std::shared_ptr<request_context> ctx, responder done) {
    const auto actor = m_authorize(*ctx, done);
    if (!actor) {
        return;
    }
    boost::system::error_code ec;
    const auto body = json::parse(ctx->req.body(), ec);
    if (ec) {
        return done(bad_field(ctx->req, "body", "body must be a JSON object"));
    }
    auto parsed = parse_fault_rule(body);
    if (!parsed.rule) {
        return done(bad_field(ctx->req, parsed.field, parsed.error));
    }
    const auto rule = m_faults.add(std::move(*parsed.rule));
    const auto text = json::serialize(to_json(rule));
    audit(*actor, *ctx, "add fault rule " + text);
    done(json_response(ctx->req, http::status::created, text));
}

void personality::list_faults(std::shared_ptr<request_context> ctx, responder done) {
    if (!m_authorize(*ctx, done)) {
        return;
    }
    json::array rules;
    for (const auto& r : m_faults.list()) {
        rules.push_back(to_json(r));
    }
    done(json_response(ctx->req, http::status::ok,
                       json::serialize(json::object{{"rules", std::move(rules)}})));
}

void personality::delete_faults(std::shared_ptr<request_context> ctx, responder done) {
    const auto actor = m_authorize(*ctx, done);
    if (!actor) {
        return;
    }
    std::size_t removed = 0;
    const auto it = ctx->path_params.find("id");
    if (it == ctx->path_params.end()) {
        removed = m_faults.clear();
        audit(*actor, *ctx, "clear fault rules: " + std::to_string(removed) + " removed");
    } else {
        std::int64_t id = 0;
        const auto& text = it->second;
        const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), id);
        if (err != std::errc() || end != text.data() + text.size() || !m_faults.remove(id)) {
            return done(json_response(ctx->req, http::status::not_found,
                                      R"({"message":"no such fault rule"})"));
        }
        removed = 1;
        audit(*actor, *ctx, "remove fault rule " + text);
    }
    done(json_response(ctx->req, http::status::ok,
                       R"({"removed":)" + std::to_string(removed) + "}"));
}

} // namespace localca::server::lab
