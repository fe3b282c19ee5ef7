#include "server/enos/personality.hpp"

#include "server/core/internal_error.hpp"
#include "server/core/log.hpp"
#include "server/enos/codec.hpp"
#include "server/enos/crypto.hpp"
#include "server/pki/paths.hpp"

#include <boost/json.hpp>

namespace localca::server::enos {

namespace json = boost::json;

namespace {

constexpr const char* k_unauthorized = R"({"message":"Invalid authentication credentials"})";
constexpr const char* k_rate_limited = R"({"message":"API rate limit exceeded"})";

// A query parameter, else a string field of the body.
std::optional<std::string> param(const request_context& ctx, const json::object& body,
                                 const std::string& key) {
    if (auto q = ctx.query_param(key)) {
        return q;
    }
    if (const auto* v = body.if_contains(key); v && v->is_string()) {
        return std::string(v->as_string());
    }
    return std::nullopt;
}

// Business errors ride on HTTP 200 with the code in the envelope (EnOS clients read the body).
void reply_error(const request_context& ctx, const responder& done, const enos_error& e) {
    done(json_response(ctx.req, http::status::ok, envelope_error(ctx.request_id, e)));
}

// A service's refusal in the envelope; an internal error takes the one path of the unexpected.
void refuse(const request_context& ctx, const responder& done, const ca::error& e) {
    if (e.code == ca::errc::internal) {
        return answer_internal_error(ctx, done, e.detail);
    }
    reply_error(ctx, done, from_errc(e));
}

} // namespace

struct personality::call {
    std::shared_ptr<request_context> ctx;
    json::object body;
    ca::enos::device_ref device;
    ca::audit_context audit; // the caller, for the audit log
};

personality::personality(ca::engine& engine, ca::enos::registry& registry, options opts)
    : m_engine(engine), m_registry(registry), m_devices(engine, registry),
      m_device_routes(engine, registry), m_options(std::move(opts)),
      m_tokens(registry, m_options, engine.clock()), m_auth(m_options, m_tokens, engine.clock()) {
    if (m_options.token_key.empty()) {
        throw std::invalid_argument("enos: token key must not be empty");
    }
}

void personality::add_routes(router& r) {
    r.add(http::verb::post, "/apim-token-service/v2.0/token/get",
          [this](auto ctx, responder done) { token_call(ctx, std::move(done), false); });
    r.add(http::verb::post, "/apim-token-service/v2.0/token/refresh",
          [this](auto ctx, responder done) { token_call(ctx, std::move(done), true); });
    for (const char* version : {"v2.0", "v2.1"}) {
        const std::string path = std::string("/connect-service/") + version + "/certificates";
        for (auto method : {http::verb::get, http::verb::post}) {
            r.add(method, path,
                  [this](auto ctx, responder done) { certificates(ctx, std::move(done)); });
        }
    }
    m_legacy.add_routes(r);
    // The device API exists in v2.1 only (EnOS's Connection Service API).
    for (auto method : {http::verb::get, http::verb::post}) {
        r.add(method, "/connect-service/v2.1/devices",
              [this](auto ctx, responder done) { devices(ctx, std::move(done)); });
    }
}

response personality::internal_error(const request_context& ctx) const {
    // The token service has its own envelope and code for it (1005); the certificate service
    // answers 99500 in its envelope, on HTTP 200 like every business error; the legacy paths
    // answer in the legacy envelope.
    if (legacy_routes::owns(ctx)) {
        return legacy_routes::internal_error(ctx);
    }
    if (ctx.path.rfind("/apim-token-service/", 0) == 0) {
        json::object o;
        o["status"] = static_cast<int>(token_status::internal);
        o["msg"] = "internal error";
        o["business"] = "apim-token-service";
        o["data"] = nullptr;
        return json_response(ctx.req, http::status::ok, json::serialize(o));
    }
    return json_response(
        ctx.req, http::status::ok,
        envelope_error(ctx.request_id,
                       from_errc(ca::make_error(ca::errc::internal, "internal error"))));
}

void personality::token_call(std::shared_ptr<request_context> ctx, responder done, bool refresh) {
    auto answer = [&](const token_grant& g) {
        json::object o;
        o["status"] = static_cast<int>(g.status);
        o["msg"] = g.message;
        o["business"] = "apim-token-service";
        if (g.status == token_status::success) {
            o["data"] = json::object{{"accessToken", g.access_token}, {"expire", g.expire}};
        } else {
            o["data"] = nullptr;
            log::info("enos token " + std::string(refresh ? "refresh" : "get") +
                      " refused: " + g.message);
        }
        done(json_response(ctx->req, http::status::ok, json::serialize(o)));
    };
    boost::system::error_code ec;
    const auto v = json::parse(ctx->req.body(), ec);
    if (ec || !v.is_object()) {
        return answer(
            {token_status::parameter_invalid, "request body is not a JSON object", "", 0});
    }
    const auto& body = v.as_object();
    auto text = [&](std::string_view key) -> std::string {
        const auto* f = body.if_contains(key);
        if (!f) {
            return "";
        }
        if (f->is_string()) {
            return std::string(f->as_string());
        }
        if (f->is_int64() || f->is_uint64()) {
            return json::serialize(*f);
        }
        return "\x01"; // present but of no usable type: fails as invalid, not as missing
    };
    const auto app_key = text("appKey");
    const auto encryption = text("encryption");
    const auto timestamp = text("timestamp");
    if (!refresh) {
        return answer(m_tokens.get(app_key, encryption, timestamp));
    }
    return answer(m_tokens.refresh(app_key, encryption, timestamp, text("accessToken")));
}

bool personality::admit(const request_context& ctx, const responder& done,
                        std::optional<ca::enos::app_credentials>* app_out) {
    auto& app = *app_out;
    // The gateway authenticates before the service sees the request, whatever its action.
    if (!m_auth.authenticate(ctx, &app)) {
        log::info("enos: authentication failed for " + ctx.remote_address);
        ca::record_auth_denied(m_engine.store(), app ? "appKey:" + app->app_key : "enos",
                               ctx.remote_address, m_engine.clock());
        done(json_response(ctx.req, http::status::unauthorized, k_unauthorized));
        return false;
    }
    // Like the gateway: the limit is per credential, checked once the caller is known.
    if (m_limiter.enabled()) {
        const auto key = app ? "app:" + app->app_key : "ip:" + ctx.remote_address;
        if (const auto d = m_limiter.acquire(key); !d.allowed) {
            log::debug("enos: rate limit exceeded for " +
                       (app ? app->app_key : ctx.remote_address));
            auto res = json_response(ctx.req, http::status::too_many_requests, k_rate_limited);
            res.set(http::field::retry_after, std::to_string(d.retry_after.count()));
            done(std::move(res));
            return false;
        }
    }
    return true;
}

void personality::devices(std::shared_ptr<request_context> ctx, responder done) {
    std::optional<ca::enos::app_credentials> app;
    if (admit(*ctx, done, &app)) {
        m_device_routes.handle(ctx, app, std::move(done));
    }
}

void personality::certificates(std::shared_ptr<request_context> ctx, responder done) {
    auto fail = [&](const enos_error& e) { reply_error(*ctx, done, e); };
    std::optional<ca::enos::app_credentials> app;
    if (!admit(*ctx, done, &app)) {
        return;
    }
    const auto action = ctx->query_param("action");
    if (!action || action->empty()) {
        return fail(invalid_argument("action", "missing"));
    }
    const bool is_get = ctx->req.method() == http::verb::get;
    const bool known_post = *action == "apply" || *action == "renew" || *action == "revoke";
    if (!(known_post && !is_get) && !(*action == "list" && is_get)) {
        return fail(invalid_argument("action", "invalid"));
    }

    call c{ctx, {}, {}, {}};
    c.audit.actor = app ? "appKey:" + app->app_key : "enos";
    c.audit.source_ip = ctx->remote_address;
    if (!is_get && !ctx->req.body().empty()) {
        boost::system::error_code ec;
        auto v = json::parse(ctx->req.body(), ec);
        if (ec || !v.is_object()) {
            return fail(invalid_argument("body", "invalid"));
        }
        c.body = std::move(v.as_object());
    }
    const auto org = param(*ctx, c.body, "orgId");
    if (!org || org->empty()) {
        return fail(invalid_argument("orgId", "missing"));
    }
    if (app && app->org_id != *org) {
        return fail(org_denied(*org));
    }
    if (!app && !m_registry.org_exists(*org)) {
        return fail(org_not_found());
    }
    c.device.org_id = *org;
    c.device.asset_id = param(*ctx, c.body, "assetId");
    c.device.product_key = param(*ctx, c.body, "productKey");
    c.device.device_key = param(*ctx, c.body, "deviceKey");
    if (c.device.asset_id && c.device.asset_id->empty()) {
        c.device.asset_id.reset();
    }
    if (!c.device.complete()) {
        return fail(device_identifier_invalid());
    }
    if (*action == "apply") {
        return apply(c, std::move(done));
    }
    if (*action == "renew") {
        return renew(c, std::move(done));
    }
    if (*action == "revoke") {
        return revoke(c, std::move(done));
    }
    return list(c, std::move(done));
}

namespace {

// validDay: absent -> 730 (EnOS's default); otherwise a positive integer.
std::optional<enos_error> read_valid_day(const json::object& body, std::int64_t* out) {
    const auto v = read_int(body, "validDay");
    if (!v.present) {
        *out = 730;
        return std::nullopt;
    }
    if (!v.valid || v.value <= 0) {
        return invalid_call_parameter("validDay is invalid", "validDay must be a positive integer");
    }
    *out = v.value;
    return std::nullopt;
}

std::optional<enos_error> read_authority(const json::object& body,
                                         std::optional<ca::authority_kind>* out) {
    const auto* v = body.if_contains("issueAuthority");
    if (!v || v->is_null()) {
        return std::nullopt;
    }
    const auto kind = v->is_string() ? ca::parse_authority(v->as_string()) : std::nullopt;
    if (!kind) {
        return invalid_call_parameter("issueAuthority is invalid",
                                      "issueAuthority must be RSA or ECC");
    }
    *out = kind;
    return std::nullopt;
}

// certSn from the body or the query: required, an integer, not negative.
std::optional<enos_error> read_cert_sn(const request_context& ctx, const json::object& body,
                                       std::int64_t* out) {
    auto v = read_int(body, "certSn");
    if (!v.present) {
        if (auto q = ctx.query_param("certSn")) {
            v = read_int_text(*q);
        }
    }
    if (!v.present) {
        return invalid_argument("certSn", "missing");
    }
    if (!v.valid) {
        return invalid_argument("certSn", "invalid");
    }
    if (v.value < 0) {
        return certsn_negative();
    }
    *out = v.value;
    return std::nullopt;
}

} // namespace

ca::engine::issue_callback personality::issue_answer(std::shared_ptr<request_context> ctx,
                                                     responder done) {
    return guarded(ctx, done, [this, ctx, done](ca::result<ca::issued_certificate> r) {
        if (!r) {
            return refuse(*ctx, done, r.err());
        }
        const char* name = ca::to_string(r->authority);
        json::object data;
        data["certChainURL"] = ca::expand_url_template(server::pki::k_cacert_url_template,
                                                       m_options.public_base_url, r->authority);
        data["caCert"] = m_engine.get(r->authority).cert_pem();
        data["cert"] = r->pem;
        data["certSN"] = std::to_string(r->sn);
        data["issueAuthority"] = name;
        done(json_response(ctx->req, http::status::ok,
                           envelope_ok(ctx->request_id, std::move(data))));
    });
}

void personality::apply(call& c, responder done) {
    auto fail = [&](const enos_error& e) { reply_error(*c.ctx, done, e); };
    const auto* csr = c.body.if_contains("csr");
    if (!csr || !csr->is_string() || csr->as_string().empty()) {
        return fail(invalid_argument("csr", "missing"));
    }
    ca::enos::device_apply_request req;
    req.device = c.device;
    req.csr = std::string(csr->as_string());
    if (auto e = read_valid_day(c.body, &req.valid_days)) {
        return fail(*e);
    }
    std::optional<ca::authority_kind> authority;
    if (auto e = read_authority(c.body, &authority)) {
        return fail(*e);
    }
    req.authority = authority.value_or(ca::authority_kind::rsa);
    req.audit = c.audit;
    m_devices.apply(std::move(req), issue_answer(c.ctx, std::move(done)));
}

void personality::renew(call& c, responder done) {
    auto fail = [&](const enos_error& e) { reply_error(*c.ctx, done, e); };
    ca::enos::device_renew_request req;
    req.device = c.device;
    if (auto e = read_cert_sn(*c.ctx, c.body, &req.sn)) {
        return fail(*e);
    }
    if (const auto* csr = c.body.if_contains("csr"); csr && !csr->is_null()) {
        if (!csr->is_string() || csr->as_string().empty()) {
            return fail(invalid_argument("csr", "invalid"));
        }
        req.csr = std::string(csr->as_string());
    }
    if (auto e = read_valid_day(c.body, &req.valid_days)) {
        return fail(*e);
    }
    if (auto e = read_authority(c.body, &req.authority)) {
        return fail(*e);
    }
    req.audit = c.audit;
    m_devices.renew(std::move(req), issue_answer(c.ctx, std::move(done)));
}

void personality::revoke(call& c, responder done) {
    auto fail = [&](const enos_error& e) { reply_error(*c.ctx, done, e); };
    ca::enos::device_revoke_request req;
    req.device = c.device;
    if (auto e = read_cert_sn(*c.ctx, c.body, &req.sn)) {
        return fail(*e);
    }
    std::optional<json::value> reason;
    if (const auto* r = c.body.if_contains("reason"); r && !r->is_null()) {
        reason = *r;
    } else if (auto q = c.ctx->query_param("reason")) {
        reason = json::value(*q);
    }
    if (reason) {
        const auto code = parse_reason(*reason);
        if (!code) {
            return fail(invalid_call_parameter(
                "reason is invalid", "reason must be an RFC 5280 code (0, 1, 3, 4, 5, 6, 9) or its "
                                     "name, e.g. KEY_COMPROMISE"));
        }
        req.reason = *code;
    }
    req.audit = c.audit;
    auto ctx = c.ctx;
    m_devices.revoke(
        req, guarded(ctx, done, [ctx, done](ca::status s) {
            if (!s) {
                return refuse(*ctx, done, s.err());
            }
            done(json_response(ctx->req, http::status::ok, envelope_ok(ctx->request_id, nullptr)));
        }));
}

void personality::list(call& c, responder done) {
    const auto rows = m_devices.list(c.device);
    if (!rows) {
        return refuse(*c.ctx, done, rows.err());
    }
    const auto now = m_engine.clock().now_unix();
    json::array data;
    for (const auto& row : rows.value()) {
        data.push_back(list_entry(row, now));
    }
    done(json_response(c.ctx->req, http::status::ok,
                       envelope_ok(c.ctx->request_id, std::move(data))));
}

} // namespace localca::server::enos
