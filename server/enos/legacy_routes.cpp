#include "server/enos/legacy_routes.hpp"

#include "ca/constant_time.hpp"
#include "server/core/log.hpp"
#include "server/enos/codec.hpp"
#include "server/enos/crypto.hpp"
#include "server/enos/token_service.hpp"

#include <botan/hash.h>
#include <botan/hex.h>

#include <boost/json.hpp>

#include <cstdlib>

namespace localca::server::enos {

namespace json = boost::json;

namespace {


// The legacy SDK's EnOSErrorCode values used here (enos-api-common-sdk-java).
constexpr int k_unauthenticated = 401;
constexpr int k_app_check_failed = 497;   // "App Timestamp/Signature Checked Fail"
constexpr int k_app_resource_denied = 498; // "App Resource Permission Denied"

struct legacy_error {
    int status;
    std::string msg;
};

// A connect-service error in the legacy numbering: the 99xxx codes are the legacy HTTP-like
// codes plus 99000 (99400 -> 400, 99500 -> 500); 11404 "Device cannot be found" becomes 404;
// device-service codes without a legacy twin (11833) stay as they are (legacy user-defined
// codes are > 599). The text is the connect-service one, so both paths explain alike.
legacy_error to_legacy(const enos_error& e) {
    int status = e.code;
    if (e.code >= 99000 && e.code < 100000) {
        status = e.code - 99000;
    } else if (e.code == 11404) {
        status = 404;
    }
    return {status, e.msg};
}

std::string envelope(const std::string& request_id, int status, const std::string& msg,
                     json::value data) {
    json::object o;
    o["status"] = status;
    o["requestId"] = request_id;
    o["msg"] = msg;
    o["submsg"] = nullptr;
    o["data"] = std::move(data);
    return json::serialize(o);
}

// Every answer is HTTP 200: the SDK's Python client (urllib) raises on any other status before
// reading the body, the Java client parses the body whatever the status.
void reply(const request_context& ctx, const responder& done, const legacy_error& e) {
    done(json_response(ctx.req, http::status::ok, envelope(ctx.request_id, e.status, e.msg, nullptr)));
}

void reply_ok(const request_context& ctx, const responder& done, json::value data) {
    done(json_response(ctx.req, http::status::ok,
                       envelope(ctx.request_id, 0, "Success", std::move(data))));
}

std::string sha1_hex_upper(std::string_view data) {
    auto h = Botan::HashFunction::create_or_throw("SHA-1");
    h->update(reinterpret_cast<const std::uint8_t*>(data.data()), data.size());
    return Botan::hex_encode(h->final(), true);
}

std::string to_upper(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return s;
}

} // namespace

std::string legacy_sign(const std::string& access_key, const std::string& secret,
                        const std::multimap<std::string, std::string>& query,
                        const std::string& body) {
    std::string content = access_key;
    for (const auto& [k, v] : query) { // sorted by key, values decoded
        if (k == "accessKey" || k == "sign") {
            continue;
        }
        content += k;
        content += v;
    }
    content += body;
    content += secret;
    return sha1_hex_upper(content);
}

std::optional<std::string> legacy_csr(const std::string& body) {
    boost::system::error_code ec;
    const auto v = json::parse(body, ec);
    if (!ec && v.is_string()) {
        return std::string(v.as_string()); // what both SDKs send
    }
    if (!ec && v.is_object()) {
        if (const auto* csr = v.as_object().if_contains("csr"); csr && csr->is_string()) {
            return std::string(csr->as_string());
        }
        return std::nullopt;
    }
    if (body.find("-----BEGIN") != std::string::npos) {
        return body; // a bare PEM (curl --data-binary @device.csr)
    }
    return std::nullopt;
}

struct legacy_routes::call {
    std::shared_ptr<request_context> ctx;
    ca::enos::device_ref device;
    ca::audit_context audit;
};

response legacy_routes::internal_error(const request_context& ctx) {
    return json_response(ctx.req, http::status::ok,
                         envelope(ctx.request_id, 500, "internal error", nullptr));
}

bool legacy_routes::owns(const request_context& ctx) {
    return ctx.path.rfind("/connectService/", 0) == 0;
}

legacy_routes::legacy_routes(ca::engine& engine, ca::enos::registry& registry, const options& opts,
                             rate_limiter& limiter)
    : m_engine(engine), m_registry(registry), m_devices(engine, registry), m_options(opts),
      m_limiter(limiter) {}

void legacy_routes::add_routes(router& r) {
    for (const char* device : {"/connectService/products/{productKey}/devices/{deviceKey}",
                               "/connectService/devices/{assetId}"}) {
        const std::string base = std::string(device) + "/certificates/";
        const auto route = [&](http::verb method, const char* name, action_fn fn) {
            r.add(method, base + name, [this, fn](auto ctx, responder done) {
                handle(std::move(ctx), std::move(done), fn);
            });
        };
        route(http::verb::post, "apply", &legacy_routes::apply);
        route(http::verb::get, "list", &legacy_routes::list);
        route(http::verb::delete_, "revoke", &legacy_routes::revoke);
    }
}

void legacy_routes::handle(std::shared_ptr<request_context> ctx, responder done, action_fn fn) {
    auto fail = [&](const legacy_error& e) { reply(*ctx, done, e); };
    auto denied = [&](const std::string& actor, const legacy_error& e) {
        log::info("enos legacy: authentication failed for " + ctx->remote_address + ": " + e.msg);
        ca::record_auth_denied(m_engine.store(), actor, ctx->remote_address, m_engine.clock());
        fail(e);
    };
    // The legacy SDK signs with the app's secret, which we hold: every mode but "off" checks it
    // (unverified-token relaxes only the gateway token, which we cannot decrypt).
    std::optional<ca::enos::app_credentials> app;
    if (m_options.auth != auth_mode::off) {
        const auto access_key = ctx->query_param("accessKey").value_or("");
        if (!access_key.empty()) {
            app = m_registry.find_app(access_key);
        }
        if (!app) {
            return denied("enos", {k_unauthenticated, "Unauthenticated"});
        }
        const auto actor = "appKey:" + app->app_key;
        const auto sign = ctx->query_param("sign").value_or("");
        const auto expected = legacy_sign(app->app_key, app->app_secret, ctx->query, ctx->req.body());
        if (!ca::constant_time_equal(to_upper(sign), expected)) {
            return denied(actor, {k_app_check_failed, "App Signature Checked Fail"});
        }
        const auto ts = read_int_text(ctx->query_param("requestTimestamp").value_or(""));
        // A client's timestamp is compared with the real time, not the lab's (ca/clock.hpp).
        const auto real_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 m_engine.clock().real_now().time_since_epoch())
                                 .count();
        if (!ts.valid || std::llabs(ts.value - real_ms) > m_options.max_clock_skew.count() * 1000) {
            return denied(actor, {k_app_check_failed, "App Timestamp Checked Fail"});
        }
    }
    if (m_limiter.enabled()) {
        const auto key = app ? "app:" + app->app_key : "ip:" + ctx->remote_address;
        if (const auto d = m_limiter.acquire(key); !d.allowed) {
            auto res = json_response(ctx->req, http::status::too_many_requests,
                                     envelope(ctx->request_id, 429, "Resource Exhausted", nullptr));
            res.set(http::field::retry_after, std::to_string(d.retry_after.count()));
            done(std::move(res));
            return;
        }
    }
    const auto org = ctx->query_param("orgId");
    if (!org || org->empty()) {
        return fail(to_legacy(invalid_argument("orgId", "missing")));
    }
    if (app && app->org_id != *org) {
        return fail({k_app_resource_denied, "App Resource Permission Denied"});
    }
    if (!app && !m_registry.org_exists(*org)) {
        return fail(to_legacy(org_not_found()));
    }
    call c{ctx, {}, {}};
    c.device.org_id = *org;
    const auto& p = ctx->path_params;
    if (auto it = p.find("assetId"); it != p.end()) {
        c.device.asset_id = it->second;
    } else {
        c.device.product_key = p.at("productKey");
        c.device.device_key = p.at("deviceKey");
    }
    c.audit.actor = app ? "appKey:" + app->app_key : "enos";
    c.audit.source_ip = ctx->remote_address;
    (this->*fn)(c, std::move(done));
}

void legacy_routes::apply(call& c, responder done) {
    const auto csr = legacy_csr(c.ctx->req.body());
    if (!csr || csr->empty()) {
        return reply(*c.ctx, done, to_legacy(invalid_argument("csr", "missing")));
    }
    ca::enos::device_apply_request req;
    req.device = c.device;
    req.csr = *csr;
    // The legacy call has neither validDay nor issueAuthority: EnOS's defaults (730 days, RSA;
    // the legacy EnOS CA was RSA only).
    req.valid_days = 730;
    req.authority = ca::authority_kind::rsa;
    req.audit = c.audit;
    auto ctx = c.ctx;
    m_devices.apply(std::move(req), [this, ctx, done](ca::result<ca::issued_certificate> r) {
        if (!r) {
            if (r.err().code == ca::errc::internal) {
                log::error("enos legacy: issuance failed: " + r.err().detail);
            }
            return reply(*ctx, done, to_legacy(from_errc(r.err())));
        }
        // DeviceCertApplyResultInfo of the legacy SDK: exactly these three fields.
        json::object data;
        data["certChainURL"] =
            m_options.public_base_url + "/enos/CA/cacert/" + ca::to_string(r->authority);
        data["cert"] = r->pem;
        data["certSN"] = std::to_string(r->sn);
        reply_ok(*ctx, done, std::move(data));
    });
}

void legacy_routes::list(call& c, responder done) {
    const auto rows = m_devices.list(c.device);
    if (!rows) {
        return reply(*c.ctx, done, to_legacy(from_errc(rows.err())));
    }
    const auto now = m_engine.clock().now_unix();
    json::array data;
    for (const auto& row : rows.value()) {
        // DeviceCertSummaryInfo: 0 ACTIVATED, 1 REVOKED; an expired certificate is 2, as in the
        // connect-service list (the legacy class has no constant for it).
        const bool revoked = row.status == storage::certificate_status::revoked;
        data.push_back(json::object{{"certSN", std::to_string(row.sn)},
                                    {"certStatus", static_cast<std::int64_t>(revoked ? 1 : (row.not_after <= now ? 2 : 0))}});
    }
    reply_ok(*c.ctx, done, std::move(data));
}

void legacy_routes::revoke(call& c, responder done) {
    const auto fail = [&](const enos_error& e) { reply(*c.ctx, done, to_legacy(e)); };
    const auto sn_text = c.ctx->query_param("certSN");
    if (!sn_text || sn_text->empty()) {
        return fail(invalid_argument("certSN", "missing"));
    }
    const auto sn = read_int_text(*sn_text);
    if (!sn.valid) {
        return fail(invalid_argument("certSN", "invalid"));
    }
    if (sn.value < 0) {
        return fail(certsn_negative());
    }
    ca::enos::device_revoke_request req;
    req.device = c.device;
    req.sn = sn.value;
    if (const auto reason = c.ctx->query_param("reason")) {
        const auto code = parse_reason(json::value(*reason));
        if (!code) {
            return fail(invalid_call_parameter("reason is invalid",
                                               "reason must be an RFC 5280 code or its name"));
        }
        req.reason = *code;
    }
    req.audit = c.audit;
    auto ctx = c.ctx;
    m_devices.revoke(req, [ctx, done](ca::status s) {
        if (!s) {
            return reply(*ctx, done, to_legacy(from_errc(s.err())));
        }
        reply_ok(*ctx, done, nullptr);
    });
}

} // namespace localca::server::enos
