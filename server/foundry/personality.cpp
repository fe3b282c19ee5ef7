#include "server/foundry/personality.hpp"

#include "server/core/log.hpp"
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
    : m_accounts(accounts), m_keys(keys), m_certificates(engine, keys), m_options(std::move(opts)) {
    const auto& m = m_options.mosquitto;
    if (!m.acl_file.empty() || !m.crl_file.empty()) {
        m_broker =
            std::make_unique<mosquitto_view>(engine, m_certificates, m, m_options.refresh_interval);
        m_broker->sync();
        m_broker->start_refresher();
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
        ca::audit_event denied; // a wrong token (a missing one is not an attempt)
        denied.actor = "foundry";
        denied.action = "auth";
        denied.source_ip = ctx.remote_address;
        denied.outcome = "denied";
        ca::record_audit_async(m_certificates.engine_ref().store(), denied);
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

response personality::refused(const request& req, const ca::error& e, const char* call) const {
    if (e.code == ca::errc::internal) {
        log::error(std::string("foundry: ") + call + " failed: " + e.detail);
    }
    return failure(req, from_errc(e));
}

response personality::changed(const request& req, const ca::status& st, const char* call) {
    if (!st) {
        return refused(req, st.err(), call);
    }
    publish_state();
    return json_response(req, http::status::ok, success_body());
}

void personality::generate(std::shared_ptr<request_context> ctx, responder done) {
    const auto account = authenticate(*ctx);
    if (!account) {
        return done(failure(ctx->req, unauthorized()));
    }
    ca::foundry::managed_create_request req;
    req.account = account->id;
    req.audit = ca::audit_context{"foundry:" + account->account_id, ctx->remote_address, ""};
    req.profile = device_certificate_profile();
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
        return done(refused(ctx->req, created.err(), "generate"));
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
    done(changed(ctx->req, st, "provision"));
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
    done(changed(ctx->req, st, "revoke"));
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
        return done(refused(ctx->req, c.err(), "describe"));
    }
    done(json_response(ctx->req, http::status::ok,
                       success_body(certificate_fields(c.value(), arn_of(*account, id)))));
}

} // namespace localca::server::foundry
