#include "server/foundry/personality.hpp"

#include "server/core/fault_hook.hpp"
#include "server/core/internal_error.hpp"
#include "server/foundry/auth.hpp"
#include "server/foundry/codec.hpp"
#include "server/foundry/errors.hpp"
#include "server/foundry/profile.hpp"

#include <boost/json.hpp>

namespace localca::server::foundry {

namespace json = boost::json;

namespace {

constexpr const char* k_aws_common_name = "AWS IoT Certificate";
constexpr int k_cessation_of_operation = 5; // RFC 5280 CRLReason of a Foundry revoke

// A lab fault's vendorError as Foundry fails: {"success":false,"message":…} under the rule's
// "status" (default 500).
response render_vendor_error(const request_context& ctx, const std::string& fields) {
    const auto v = json::parse(fields).as_object();
    foundry_error e{http::status::internal_server_error, "internal error"};
    if (const auto* st = v.if_contains("status"); st && st->is_int64()) {
        e.status = static_cast<http::status>(st->as_int64());
    }
    if (const auto* msg = v.if_contains("message"); msg && msg->is_string()) {
        e.message = msg->as_string();
    }
    return failure(ctx.req, e);
}

// A required, non-empty string field of a JSON body.
std::optional<std::string> string_field(const json::object& body, std::string_view key) {
    const auto* v = body.if_contains(key);
    if (!v || !v->is_string() || v->as_string().empty()) {
        return std::nullopt;
    }
    return std::string(v->as_string());
}

std::optional<foundry_error> check_certificate_id(const std::string& id) {
    if (!is_certificate_id(id)) {
        return bad_request("certId must be 64 lowercase hexadecimal digits");
    }
    return std::nullopt;
}

} // namespace

personality::personality(ca::engine& engine, ca::foundry::account_registry& accounts,
                         ca::foundry::key_pool& keys, options opts)
    : m_accounts(accounts), m_keys(keys), m_certificates(engine, keys), m_options(std::move(opts)),
      m_aia(engine.opts().aia_for("foundry")) {
    const auto& m = m_options.mosquitto;
    if (!m.acl_file.empty() || !m.crl_file.empty()) {
        m_broker =
            std::make_shared<mosquitto_view>(engine, m_certificates, m, m_options.refresh_interval);
        m_broker->sync();
        m_broker->start_refresher();
        // A lab restore replaces every thing and certificate: the broker must see that at once,
        // not at the next Foundry change or refresh. Weak: the engine outlives this personality.
        engine.on_state_replaced([view = std::weak_ptr<mosquitto_view>(m_broker)] {
            if (const auto v = view.lock()) {
                v->sync();
            }
        });
    }
    // Keys are made ahead only where Foundry is used: a server without accounts spends no CPU
    // on them (the first authenticated call starts the pool otherwise).
    if (m_accounts.any_account()) {
        m_keys.start();
    }
}

void personality::add_routes(router& r) {
    r.add(http::verb::get, "/foundry/certificates/generate",
          [this](auto ctx, responder done) { generate(ctx, std::move(done)); });
    r.add(http::verb::post, "/foundry/certificates/provision",
          [this](auto ctx, responder done) { provision(ctx, std::move(done)); });
    r.add(http::verb::delete_, "/foundry/certificates/revoke",
          [this](auto ctx, responder done) { revoke(ctx, std::move(done)); });
    r.add(http::verb::get, "/foundry/certificates/{certId}",
          [this](auto ctx, responder done) { describe(ctx, std::move(done)); });
}

std::optional<ca::foundry::account_info> personality::authenticate(const request_context& ctx) {
    const auto token = presented_token(ctx.req);
    if (!token) {
        return std::nullopt;
    }
    auto account = m_accounts.find_by_token(*token);
    if (account) {
        m_keys.start();
    } else {
        // A wrong token (a missing one is not an attempt).
        ca::record_auth_denied(m_certificates.engine_ref().store(), "foundry", ctx.remote_address,
                               m_certificates.engine_ref().clock());
    }
    return account;
}

std::string personality::arn_of(const ca::foundry::account_info& account,
                                const std::string& id) const {
    return certificate_arn(account.region.value_or(m_options.region), account.account_id, id);
}

void personality::publish_state() {
    if (m_broker) {
        m_broker->sync();
    }
}

response personality::internal_error(const request_context& ctx) const {
    return failure(ctx.req, from_errc(ca::make_error(ca::errc::internal, "internal error")));
}

void personality::refuse(const request_context& ctx, const responder& done,
                         const ca::error& e) const {
    if (e.code == ca::errc::internal) {
        return answer_internal_error(ctx, done, e.detail); // the one path of the unexpected
    }
    done(failure(ctx.req, from_errc(e)));
}

void personality::changed(const request_context& ctx, const responder& done, const ca::status& st) {
    if (!st) {
        return refuse(ctx, done, st.err());
    }
    publish_state();
    done(json_response(ctx.req, http::status::ok, success_body()));
}

void personality::generate(std::shared_ptr<request_context> ctx, responder done) {
    const auto account = authenticate(*ctx);
    if (!account) {
        return done(failure(ctx->req, unauthorized()));
    }
    if (intercept_fault(*ctx, "generate", {{"accountId", account->account_id}}, done,
                        render_vendor_error)) {
        return; // a lab fault answered: nothing is generated
    }
    ca::foundry::managed_create_request req;
    req.account = account->id;
    req.audit = ca::audit_context{"foundry:" + account->account_id, ctx->remote_address, ""};
    req.profile = device_certificate_profile();
    req.profile.authority_info_access = m_aia;
    if (m_options.subject == subject_mode::aws) {
        req.common_name = k_aws_common_name;
    }
    if (const auto text = ctx->query_param("topics")) {
        req.topics = topics_from_text(*text);
        if (!req.topics) {
            return done(failure(ctx->req, bad_request("topics must be a URL-encoded JSON array "
                                                      "of topic filter strings")));
        }
    }
    const bool activates = req.topics.has_value();
    auto created = m_certificates.create(std::move(req));
    if (!created) {
        return refuse(*ctx, done, created.err());
    }
    if (activates) {
        publish_state();
    }
    const auto& c = created->certificate;
    json::object fields;
    fields["id"] = c.id;
    fields["arn"] = arn_of(*account, c.id);
    fields["cert"] = base64_of(c.pem);
    fields["private"] = base64_of(created->private_key_pem);
    done(json_response(ctx->req, http::status::ok, success_body(fields)));
}

void personality::provision(std::shared_ptr<request_context> ctx, responder done) {
    const auto account = authenticate(*ctx);
    if (!account) {
        return done(failure(ctx->req, unauthorized()));
    }
    boost::system::error_code ec;
    const auto v = json::parse(ctx->req.body(), ec);
    if (ec || !v.is_object()) {
        return done(failure(ctx->req, bad_request("request body must be a JSON object")));
    }
    const auto& body = v.as_object();
    std::optional<std::string> fields[3];
    const char* names[3] = {"arn", "certId", "deviceId"};
    for (int i = 0; i < 3; ++i) {
        fields[i] = string_field(body, names[i]);
        if (!fields[i]) {
            return done(failure(ctx->req, bad_request(std::string(names[i]) +
                                                      " is required (a non-empty string)")));
        }
    }
    const auto& [arn, id, device_id] = fields;
    const auto* topics_value = body.if_contains("topics");
    if (!topics_value) {
        return done(failure(ctx->req, bad_request("topics is required")));
    }
    auto topics = topics_from_json(*topics_value);
    if (!topics || topics->empty()) {
        return done(failure(ctx->req, bad_request("topics must be a non-empty array of topic "
                                                  "filter strings")));
    }
    if (auto e = check_certificate_id(*id)) {
        return done(failure(ctx->req, *e));
    }
    if (*arn != arn_of(*account, *id)) {
        return done(failure(ctx->req, bad_request("arn is not the ARN of certificate " + *id)));
    }
    const auto st = m_certificates.provision(account->id, *id, *device_id, std::move(*topics));
    changed(*ctx, done, st);
}

void personality::revoke(std::shared_ptr<request_context> ctx, responder done) {
    const auto account = authenticate(*ctx);
    if (!account) {
        return done(failure(ctx->req, unauthorized()));
    }
    auto id = ctx->query_param("certId");
    auto device_id = ctx->query_param("deviceId");
    if ((!id || !device_id) && !ctx->req.body().empty()) {
        boost::system::error_code ec;
        const auto v = json::parse(ctx->req.body(), ec);
        if (ec || !v.is_object()) {
            return done(failure(ctx->req, bad_request("request body must be a JSON object")));
        }
        if (!id) {
            id = string_field(v.as_object(), "certId");
        }
        if (!device_id) {
            device_id = string_field(v.as_object(), "deviceId");
        }
    }
    if (!id || id->empty()) {
        return done(failure(ctx->req, bad_request("certId is required")));
    }
    if (!device_id || device_id->empty()) {
        return done(failure(ctx->req, bad_request("deviceId is required")));
    }
    if (auto e = check_certificate_id(*id)) {
        return done(failure(ctx->req, *e));
    }
    const auto st = m_certificates.revoke(
        account->id, *id, *device_id, k_cessation_of_operation,
        ca::audit_context{"foundry:" + account->account_id, ctx->remote_address, ""});
    changed(*ctx, done, st);
}

void personality::describe(std::shared_ptr<request_context> ctx, responder done) {
    const auto account = authenticate(*ctx);
    if (!account) {
        return done(failure(ctx->req, unauthorized()));
    }
    const auto& id = ctx->path_params["certId"];
    if (auto e = check_certificate_id(id)) {
        return done(failure(ctx->req, *e));
    }
    const auto c = m_certificates.find(account->id, id);
    if (!c) {
        return refuse(*ctx, done, c.err());
    }
    done(json_response(ctx->req, http::status::ok,
                       success_body(certificate_fields(c.value(), arn_of(*account, id)))));
}

} // namespace localca::server::foundry
