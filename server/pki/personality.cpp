#include "server/pki/personality.hpp"

#include "ca/bulk_revocation.hpp"
#include "ca/constant_time.hpp"
#include "ca/csr.hpp"
#include "ca/unix_time.hpp"
#include "server/core/internal_error.hpp"
#include "server/core/log.hpp"
#include "server/pki/errors.hpp"
#include "server/pki/paths.hpp"

#include <botan/pem.h>

#include <boost/json.hpp>

#include <charconv>
#include <chrono>
#include <optional>

namespace localca::server::pki {

namespace json = boost::json;

namespace {

std::optional<ca::authority_kind> authority_param(const request_context& ctx) {
    auto it = ctx.path_params.find("authority");
    if (it == ctx.path_params.end()) {
        return ca::authority_kind::rsa; // the suffix-less paths serve the RSA authority
    }
    return ca::parse_authority(it->second);
}

response bad_request(const request& req, std::string detail) {
    return error_response(
        req, ca::make_error(ca::errc::csr_malformed, "invalid request", std::move(detail)));
}

// The request body as a JSON object, or the 400 already answered (null).
std::optional<json::object> object_body(const request_context& ctx, const responder& done) {
    boost::system::error_code ec;
    auto body = json::parse(ctx.req.body(), ec);
    if (ec || !body.is_object()) {
        done(bad_request(ctx.req, "body must be a JSON object"));
        return std::nullopt;
    }
    return std::move(body.as_object());
}

std::optional<std::int64_t> parse_sn(const std::string& s) {
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0) {
        return std::nullopt;
    }
    return v;
}

json::object certificate_json(const ca::certificate_record& row) {
    json::object o;
    o["certSN"] = std::to_string(row.sn);
    o["authority"] = row.authority;
    o["status"] = row.status == ca::certificate_status::revoked ? "revoked" : "valid";
    o["notBefore"] = row.not_before;
    o["notAfter"] = row.not_after;
    o["cert"] = Botan::PEM_Code::encode(row.der, "CERTIFICATE");
    if (row.revoked_at) {
        o["revokedAt"] = *row.revoked_at;
        o["revocationReason"] = row.revocation_reason.value_or(0);
    }
    return o;
}

} // namespace

personality::personality(ca::engine& engine, options opts)
    : m_engine(engine), m_options(std::move(opts)) {}

response personality::internal_error(const request_context& ctx) const {
    return error_response(ctx.req, ca::make_error(ca::errc::internal, "internal error"));
}

namespace {

// A refusal in the API's format; an internal error takes the one path of the unexpected.
void reply_error(const request_context& ctx, const responder& done, const ca::error& e) {
    if (e.code == ca::errc::internal) {
        return answer_internal_error(ctx, done, e.detail);
    }
    done(error_response(ctx.req, e));
}

} // namespace

void personality::add_routes(router& r) {
    r.add(http::verb::get, "/healthz", [this](auto ctx, responder done) {
        // Loaded means: the engine exists (it loaded both keys) and the database answers. A
        // database that does not (PostgreSQL down or unreachable, a read-only or missing SQLite
        // file) is a 503 naming it, so a load balancer takes this node out until it recovers;
        // the reader reconnects by itself on a later call.
        json::object body;
        auto status = http::status::ok;
        const auto health = m_engine.check_database();
        if (health.ok) {
            body["status"] = "ok";
        } else {
            status = http::status::service_unavailable;
            body["status"] = "unavailable";
            body["database"] = health.backend;
            log::warn("healthz: the database does not answer: " + health.problem);
        }
        if (m_options.lab) {
            body["lab"] = true;
        }
        done(json_response(ctx->req, status, json::serialize(body)));
    });
    auto cacert = [this](auto ctx, responder done) { get_cacert(ctx, std::move(done)); };
    r.add(http::verb::get, k_cacert_path, cacert);
    r.add(http::verb::get, std::string(k_cacert_path) + "/{authority}", cacert);
    auto crl = [this](auto ctx, responder done) { get_crl(ctx, std::move(done)); };
    r.add(http::verb::get, k_crl_path, crl);
    r.add(http::verb::get, std::string(k_crl_path) + "/{authority}", crl);
    if (m_options.token.empty()) {
        return;
    }
    r.add(http::verb::post, "/pki/v1/certificates",
          [this](auto ctx, responder done) { post_certificate(ctx, std::move(done)); });
    r.add(http::verb::get, "/pki/v1/certificates/{sn}",
          [this](auto ctx, responder done) { get_certificate(ctx, std::move(done)); });
    r.add(http::verb::post, "/pki/v1/certificates/{sn}/revoke",
          [this](auto ctx, responder done) { post_revoke(ctx, std::move(done)); });
    if (m_options.bulk_filters) {
        r.add(http::verb::post, "/pki/v1/revocations",
              [this](auto ctx, responder done) { post_revocations(ctx, std::move(done)); });
    }
}

void personality::get_cacert(std::shared_ptr<request_context> ctx, responder done) {
    const auto kind = authority_param(*ctx);
    if (!kind) {
        done(json_response(ctx->req, http::status::not_found, R"({"message":"Not Found"})"));
        return;
    }
    done(make_response(ctx->req, http::status::ok, m_engine.get(*kind).cert_pem(),
                       "application/x-pem-file"));
}

void personality::get_crl(std::shared_ptr<request_context> ctx, responder done) {
    const auto kind = authority_param(*ctx);
    if (!kind) {
        done(json_response(ctx->req, http::status::not_found, R"({"message":"Not Found"})"));
        return;
    }
    const auto der = m_engine.crl_der(*kind);
    if (ctx->query_param("format").value_or("der") == "pem") {
        done(make_response(ctx->req, http::status::ok, Botan::PEM_Code::encode(der, "X509 CRL"),
                           "application/x-pem-file"));
        return;
    }
    done(make_response(ctx->req, http::status::ok, std::string(der.begin(), der.end()),
                       "application/pkix-crl"));
}

bool personality::authorized(const request_context& ctx) const {
    const auto it = ctx.req.find(http::field::authorization);
    if (it == ctx.req.end()) {
        return false;
    }
    const std::string_view value = it->value();
    constexpr std::string_view prefix = "Bearer ";
    return value.substr(0, prefix.size()) == prefix &&
           ca::constant_time_equal(value.substr(prefix.size()), m_options.token);
}

bool personality::admit(const request_context& ctx, const responder& done) {
    if (authorized(ctx)) {
        return true;
    }
    // A refused bearer token, recorded in the audit log (without the token).
    ca::record_auth_denied(m_engine.store(), "pki-token", ctx.remote_address, m_engine.clock());
    done(json_response(ctx.req, http::status::unauthorized, R"({"message":"Unauthorized"})"));
    return false;
}

void personality::post_certificate(std::shared_ptr<request_context> ctx, responder done) {
    if (!admit(*ctx, done)) {
        return;
    }
    const auto body = object_body(*ctx, done);
    if (!body) {
        return;
    }
    const auto& o = *body;
    const auto* csr = o.if_contains("csr");
    if (!csr || !csr->is_string()) {
        done(bad_request(ctx->req, "csr is required (PEM string)"));
        return;
    }
    ca::issue_request req;
    if (const auto* a = o.if_contains("authority")) {
        const auto kind = a->is_string() ? ca::parse_authority(a->as_string()) : std::nullopt;
        if (!kind) {
            done(error_response(ctx->req, ca::make_error(ca::errc::unknown_authority,
                                                         "authority must be RSA or ECC")));
            return;
        }
        req.authority = *kind;
    }
    if (const auto* d = o.if_contains("validDays")) {
        if (!d->is_int64()) {
            done(error_response(ctx->req, ca::make_error(ca::errc::validity_invalid,
                                                         "validDays must be an integer")));
            return;
        }
        req.valid_days = d->as_int64();
    }
    auto checked = ca::check_csr(std::string(csr->as_string()), req.authority);
    if (!checked) {
        reply_error(*ctx, done, checked.err());
        return;
    }
    req.subject = std::move(checked.value());
    req.audit = ca::audit_context{"pki-token", ctx->remote_address, ""};
    req.profile.authority_info_access = m_engine.opts().aia_for("pki");
    m_engine.issue(std::move(req),
                   guarded(ctx, done, [ctx, done](ca::result<ca::issued_certificate> r) {
                       if (!r) {
                           reply_error(*ctx, done, r.err());
                           return;
                       }
                       json::object out;
                       out["certSN"] = std::to_string(r->sn);
                       out["authority"] = ca::to_string(r->authority);
                       out["cert"] = r->pem;
                       out["notBefore"] = ca::unix_seconds(r->not_before);
                       out["notAfter"] = ca::unix_seconds(r->not_after);
                       done(json_response(ctx->req, http::status::created, json::serialize(out)));
                   }));
}

void personality::get_certificate(std::shared_ptr<request_context> ctx, responder done) {
    if (!admit(*ctx, done)) {
        return;
    }
    const auto sn = parse_sn(ctx->path_params["sn"]);
    const auto row = sn ? m_engine.find_certificate(*sn) : std::nullopt;
    if (!row) {
        done(error_response(
            ctx->req, ca::make_error(ca::errc::certificate_not_found, "certificate not found")));
        return;
    }
    done(json_response(ctx->req, http::status::ok, json::serialize(certificate_json(*row))));
}

void personality::post_revoke(std::shared_ptr<request_context> ctx, responder done) {
    if (!admit(*ctx, done)) {
        return;
    }
    const auto sn = parse_sn(ctx->path_params["sn"]);
    if (!sn) {
        done(error_response(
            ctx->req, ca::make_error(ca::errc::certificate_not_found, "certificate not found")));
        return;
    }
    ca::revoke_request req;
    req.sn = *sn;
    req.audit = ca::audit_context{"pki-token", ctx->remote_address, ""};
    if (!ctx->req.body().empty()) {
        const auto body = object_body(*ctx, done);
        if (!body) {
            return;
        }
        if (const auto* r = body->if_contains("reason")) {
            if (!r->is_int64()) {
                done(error_response(ctx->req, ca::make_error(ca::errc::invalid_reason,
                                                             "reason must be an integer")));
                return;
            }
            req.reason = static_cast<int>(r->as_int64());
        }
    }
    m_engine.revoke(req, guarded(ctx, done, [ctx, done](ca::status s) {
                        if (!s) {
                            reply_error(*ctx, done, s.err());
                            return;
                        }
                        done(json_response(ctx->req, http::status::ok, R"({"revoked":true})"));
                    }));
}

void personality::post_revocations(std::shared_ptr<request_context> ctx, responder done) {
    if (!admit(*ctx, done)) {
        return;
    }
    const auto body = object_body(*ctx, done);
    if (!body) {
        return;
    }
    const auto& o = *body;
    const auto* filter = o.if_contains("filter");
    if (!filter || !filter->is_object()) {
        done(bad_request(ctx->req, "filter is required (a JSON object)"));
        return;
    }
    ca::bulk_filter given;
    for (const auto& [key, value] : filter->as_object()) {
        if (value.is_string()) {
            given.emplace_back(key, std::string(value.as_string()));
        } else if (value.is_int64()) {
            given.emplace_back(key, std::to_string(value.as_int64()));
        } else {
            done(bad_request(ctx->req, "filter key \"" + std::string(key) +
                                           "\" must be a string or an integer"));
            return;
        }
    }
    auto compiled = ca::compile_filter(*m_options.bulk_filters, given);
    if (!compiled.problem.empty()) {
        done(bad_request(ctx->req, compiled.problem));
        return;
    }
    const auto* r = o.if_contains("reason");
    std::optional<int> reason;
    if (r && r->is_string()) {
        reason = ca::parse_reason(std::string(r->as_string()));
    } else if (r && r->is_int64()) {
        reason = ca::parse_reason(std::to_string(r->as_int64()));
    }
    if (!reason) {
        done(error_response(ctx->req,
                            ca::make_error(ca::errc::invalid_reason, "invalid revocation reason",
                                           "reason must be an RFC 5280 name or code among 0, 1, "
                                           "3, 4, 5, 6, 9")));
        return;
    }
    ca::bulk_revocation_request req;
    req.conditions = std::move(compiled.conditions);
    req.reason = *reason;
    req.audit = ca::audit_context{"pki-token", ctx->remote_address, ""};
    // On this worker thread: batches through the writer, each answered before the next, so the
    // count answered is committed (and in the next CRL fetch).
    const auto n = ca::revoke_matching(m_engine, *m_options.bulk_filters, req);
    json::object out;
    out["revoked"] = n;
    done(json_response(ctx->req, http::status::ok, json::serialize(out)));
}

} // namespace localca::server::pki
