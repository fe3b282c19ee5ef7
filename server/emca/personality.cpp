#include "server/emca/personality.hpp"

#include "ca/constant_time.hpp"
#include "server/core/fault_hook.hpp"
#include "server/core/internal_error.hpp"
#include "server/core/log.hpp"
#include "server/emca/codec.hpp"
#include "server/emca/errors.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace localca::server::emca {

namespace json = boost::json;

namespace {

constexpr const char* k_base = "/emCAServices/rest/";

void answer(const request_context& ctx, const responder& done, const std::string& body) {
    done(json_response(ctx.req, http::status::ok, body));
}

void fail(const request_context& ctx, const responder& done, const std::string& text) {
    answer(ctx, done, envelope_failure(text));
}

void fail(const request_context& ctx, const responder& done, const ca::error& e,
          const std::string& profile_id = "") {
    if (e.code == ca::errc::internal) {
        return answer_internal_error(ctx, done, e.detail); // the one path of the unexpected
    }
    log::debug("emca: refused: " + std::string(ca::to_string(e.code)) + ": " + e.detail);
    fail(ctx, done, failure_text(e, profile_id));
}

// A lab fault's vendorError as emCA fails: {"status":"Failure","result":<the rule's "result">}.
response render_vendor_error(const request_context& ctx, const std::string& fields) {
    const auto v = json::parse(fields).as_object();
    const auto* result = v.if_contains("result");
    return json_response(ctx.req, http::status::ok,
                         envelope_failure(result && result->is_string()
                                              ? std::string(result->as_string())
                                              : std::string(k_internal)));
}

// A string field; numbers are taken as their text (profileID 3, revokeMode 1). Empty = absent.
std::optional<std::string> text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v) {
        return std::nullopt;
    }
    std::string s;
    if (v->is_string()) {
        s = std::string(v->as_string());
    } else if (v->is_int64() || v->is_uint64()) {
        s = json::serialize(*v);
    }
    if (s.empty()) {
        return std::nullopt;
    }
    return s;
}

std::string_view plain_ip(std::string_view address) {
    // An IPv4 client seen on a dual-stack socket.
    constexpr std::string_view mapped = "::ffff:";
    if (address.substr(0, mapped.size()) == mapped && address.find('.') != std::string_view::npos) {
        address.remove_prefix(mapped.size());
    }
    return address;
}

std::string header(const request& req, std::string_view name) {
    const auto it = req.find(name);
    return it == req.end() ? std::string() : std::string(it->value());
}

} // namespace

response personality::internal_error(const request_context& ctx) const {
    return json_response(ctx.req, http::status::ok, envelope_failure(k_internal));
}

void personality::add_routes(router& r) {
    const auto route = [&](const char* method, auto fn) {
        r.add(http::verb::post, std::string(k_base) + method,
              [this, fn](auto ctx, responder done) { (this->*fn)(ctx, std::move(done)); });
    };
    route("createX509CertificatesByIdWithMultipleCsrData", &personality::create);
    route("createCertificatesByIdWithMultipleCsrData", &personality::create);
    route("getCertificateByRequestID", &personality::by_request_id);
    route("getCertificate", &personality::get_certificate);
    route("revoke", &personality::revoke);
}

std::optional<personality::call> personality::open(const request_context& ctx,
                                                   const responder& done,
                                                   std::initializer_list<const char*> required) {
    // A refused caller, recorded in the audit log (never the password or keys).
    auto audit_denied = [this](const std::string& actor, const std::string& ip) {
        ca::record_auth_denied(m_service.engine_ref().store(), actor, ip,
                                m_service.engine_ref().clock());
    };
    boost::system::error_code ec;
    const auto body = json::parse(ctx.req.body(), ec);
    if (ec || !body.is_object()) {
        fail(ctx, done, k_invalid_input);
        return std::nullopt;
    }
    const auto request_data = emca::request_data(body.as_object());
    if (!request_data) {
        fail(ctx, done, k_invalid_parameter);
        return std::nullopt;
    }
    // The outer userName picks the AES key; without it the emKey header names the user.
    const auto outer_user = text(body.as_object(), "userName");
    const auto em_key = header(ctx.req, "emKey");
    const auto user = outer_user ? m_service.find_user(*outer_user)
                                 : (em_key.empty() ? std::nullopt
                                                   : m_service.find_user_by_key(em_key));
    if (!user) {
        log::info("emca: unknown user from " + ctx.remote_address);
        audit_denied("emca", ctx.remote_address);
        fail(ctx, done, k_invalid_request);
        return std::nullopt;
    }
    const auto cipher = base64_decode(*request_data);
    if (!cipher) {
        fail(ctx, done, k_invalid_input);
        return std::nullopt;
    }
    const auto plain = ca::emca::aes256_decrypt(user->mode, user->aes_key, *cipher);
    if (!plain) {
        fail(ctx, done, plain.err());
        return std::nullopt;
    }
    const auto inner = json::parse(
        std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size()), ec);
    if (ec || !inner.is_object()) {
        fail(ctx, done, k_invalid_input);
        return std::nullopt;
    }
    call c{*user, inner.as_object()};
    for (const char* key : required) {
        if (!text(c.fields, key)) {
            fail(ctx, done, k_invalid_parameter);
            return std::nullopt;
        }
    }
    const bool ip_allowed =
        std::find(user->allowed_ips.begin(), user->allowed_ips.end(),
                  plain_ip(ctx.remote_address)) != user->allowed_ips.end();
    const bool ok = ip_allowed && ca::constant_time_equal(em_key, user->api_key) &&
                    *text(c.fields, "userName") == user->user_name &&
                    m_service.check_password(*user, *text(c.fields, "password"));
    if (!ok) {
        log::info("emca: authentication failed for user " + user->user_name + " from " +
                  ctx.remote_address);
        audit_denied("emca:" + user->user_name, ctx.remote_address);
        fail(ctx, done, k_invalid_request);
        return std::nullopt;
    }
    return c;
}

void personality::create(std::shared_ptr<request_context> ctx, responder done) {
    auto c = open(*ctx, done,
                  {"applicationId", "profileID", "subscriberId", "signature", "userName",
                   "password"});
    if (!c) {
        return;
    }
    const auto application_id = *text(c->fields, "applicationId");
    if (intercept_fault(*ctx, "create",
                        {{"userName", c->user.user_name},
                         {"applicationId", application_id},
                         {"profileID", *text(c->fields, "profileID")}},
                        done, render_vendor_error)) {
        return; // a lab fault answered: nothing is issued or stored
    }
    if (auto stored = m_service.stored_response(c->user, application_id)) {
        return answer(*ctx, done, *stored); // issued before: the same answer, nothing new
    }
    const auto profile_id = *text(c->fields, "profileID");
    auto profile = m_service.find_profile(profile_id);
    if (!profile) {
        return fail(*ctx, done, profile.err(), profile_id);
    }
    const auto cms = base64_decode(*text(c->fields, "signature"));
    if (!cms) {
        return fail(*ctx, done, k_signature_failed);
    }
    const auto payload = m_service.verify_signed(c->user, *cms);
    if (!payload) {
        return fail(*ctx, done, payload.err());
    }
    ca::emca::batch_request req;
    req.user = c->user;
    req.audit = ca::audit_context{"emca:" + c->user.user_name, ctx->remote_address, ""};
    req.application_id = application_id;
    req.profile_id = profile_id;
    if (const auto v = text(c->fields, "validity")) {
        req.validity = parse_validity(*v);
        if (!req.validity) {
            return fail(*ctx, done, k_invalid_validity);
        }
    }
    if (const auto v = text(c->fields, "validFrom")) {
        req.not_before = parse_valid_from(*v);
        if (!req.not_before) {
            return fail(*ctx, done, k_invalid_from_date);
        }
    }
    auto items = parse_csr_payload(
        std::string_view(reinterpret_cast<const char*>(payload->data()), payload->size()));
    if (!items) {
        return fail(*ctx, done, k_invalid_data);
    }
    req.items = std::move(*items);
    const auto subscriber = *text(c->fields, "subscriberId");
    auto encode = [subscriber](const ca::emca::batch_outcome& outcome) {
        return envelope_success(outcome_result(outcome), subscriber, outcome_request_ids(outcome));
    };
    m_service.create(std::move(req), profile.value(), encode,
                     guarded(ctx, done, [ctx, done, profile_id](ca::result<std::string> r) {
                         if (!r) {
                             return fail(*ctx, done, r.err(), profile_id);
                         }
                         answer(*ctx, done, r.value());
                     }));
}

std::optional<std::int64_t> personality::signed_number(const call& c, const request_context& ctx,
                                                       const responder& done) {
    const auto cms = base64_decode(*text(c.fields, "signature"));
    if (!cms) {
        fail(ctx, done, k_signature_failed);
        return std::nullopt;
    }
    const auto content = m_service.verify_signed(c.user, *cms);
    if (!content) {
        fail(ctx, done, content.err());
        return std::nullopt;
    }
    const auto n = parse_decimal(
        std::string_view(reinterpret_cast<const char*>(content->data()), content->size()));
    if (!n) {
        fail(ctx, done, k_invalid_data);
    }
    return n;
}

void personality::by_request_id(std::shared_ptr<request_context> ctx, responder done) {
    const auto c = open(*ctx, done, {"signature", "userName", "password"});
    if (!c) {
        return;
    }
    const auto request = signed_number(*c, *ctx, done);
    if (!request) {
        return;
    }
    const auto state = m_service.request_status(c->user, *request);
    if (!state) {
        return fail(*ctx, done, state.err());
    }
    const auto id = std::to_string(*request);
    answer(*ctx, done,
           envelope_success(state->pending ? k_pending : base64_encode(state->cert_der),
                            std::nullopt, id));
}

void personality::get_certificate(std::shared_ptr<request_context> ctx, responder done) {
    const auto c = open(*ctx, done, {"signature", "userName", "password"});
    if (!c) {
        return;
    }
    const auto sn = signed_number(*c, *ctx, done);
    if (!sn) {
        return;
    }
    const auto der = m_service.certificate(c->user, *sn);
    if (!der) {
        return fail(*ctx, done, der.err());
    }
    answer(*ctx, done, envelope_success(base64_encode(der.value()), std::nullopt, std::nullopt));
}

void personality::revoke(std::shared_ptr<request_context> ctx, responder done) {
    const auto c = open(*ctx, done, {"signature", "revokeMode", "remarks", "userName", "password"});
    if (!c) {
        return;
    }
    const auto mode = parse_decimal(*text(c->fields, "revokeMode"));
    const bool zero = *text(c->fields, "revokeMode") == "0";
    if (!mode && !zero) {
        return fail(*ctx, done, k_invalid_parameter);
    }
    const auto sn = signed_number(*c, *ctx, done);
    if (!sn) {
        return;
    }
    log::info("emca: user " + c->user.user_name + " revokes " + std::to_string(*sn) +
              " (remarks: " + *text(c->fields, "remarks") + ")");
    m_service.revoke(c->user, *sn, zero ? 0 : static_cast<int>(std::min<std::int64_t>(*mode, 99)),
                     guarded(ctx, done, [ctx, done](ca::status s) {
                         if (!s) {
                             return fail(*ctx, done, s.err());
                         }
                         answer(*ctx, done,
                                envelope_success("Certificate revoked successfully", std::nullopt,
                                                 std::nullopt));
                     }));
}

} // namespace localca::server::emca
