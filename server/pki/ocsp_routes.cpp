#include "server/pki/ocsp_routes.hpp"

#include "server/core/fault_hook.hpp"
#include "server/core/log.hpp"
#include "server/core/url.hpp"

#include <boost/json.hpp>
#include <botan/base64.h>

#include <ctime>

namespace localca::server::pki {

namespace {

constexpr std::string_view k_prefix = "/ocsp/";

// A lab fault's vendorError as an OCSP responder fails: an OCSPResponse of the rule's
// "responseStatus" alone (RFC 6960: 1 malformedRequest, 2 internalError, 3 tryLater,
// 5 sigRequired, 6 unauthorized; default 3), no responseBytes.
response render_vendor_error(const request_context& ctx, const std::string& fields) {
    const auto v = boost::json::parse(fields).as_object();
    unsigned char status = 3;
    if (const auto* s = v.if_contains("responseStatus");
        s && s->is_int64() && s->as_int64() >= 1 && s->as_int64() <= 6) {
        status = static_cast<unsigned char>(s->as_int64());
    }
    const char der[] = {0x30, 0x03, 0x0a, 0x01, static_cast<char>(status)};
    return make_response(ctx.req, http::status::ok, std::string(der, sizeof der),
                         "application/ocsp-response");
}

} // namespace

std::string http_date(std::chrono::system_clock::time_point t) {
    const std::time_t secs = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[64];
    const auto n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

ocsp_routes::ocsp_routes(ca::engine& engine, ca::ocsp_responder& responder)
    : m_engine(engine), m_responder(responder) {}

void ocsp_routes::add_routes(router& r) {
    r.add(http::verb::post, "/ocsp", [this](auto ctx, responder done) {
        const auto type = ctx->req[http::field::content_type];
        if (!type.starts_with("application/ocsp-request")) {
            done(json_response(ctx->req, http::status::unsupported_media_type,
                               R"({"message":"Content-Type must be application/ocsp-request"})"));
            return;
        }
        answer(ctx, ctx->req.body(), false, done);
    });
    r.add(http::verb::get, "/ocsp/{request...}", [this](auto ctx, responder done) {
        // From the raw target: the decoded path has lost the difference between '/' and %2F,
        // and its trailing '/' (a base64 character) is not part of the route.
        std::string_view target = ctx->req.target();
        target = target.substr(0, target.find('?'));
        std::string der;
        if (target.substr(0, k_prefix.size()) == k_prefix) {
            if (const auto b64 = url_decode(target.substr(k_prefix.size()), false)) {
                try {
                    const auto bytes = Botan::base64_decode(*b64, false);
                    der.assign(bytes.begin(), bytes.end());
                } catch (const std::exception&) {
                    der.clear(); // not base64: malformedRequest below
                }
            }
        }
        answer(ctx, der, true, done);
    });
    r.add(http::verb::get, "/pki/issuer/{authority}", [this](auto ctx, responder done) {
        const auto kind = ca::parse_authority(ctx->path_params.at("authority"));
        if (!kind) {
            done(json_response(ctx->req, http::status::not_found, R"({"message":"Not Found"})"));
            return;
        }
        const auto der = m_engine.get(*kind).cert().BER_encode();
        done(make_response(ctx->req, http::status::ok, std::string(der.begin(), der.end()),
                           "application/pkix-cert"));
    });
}

void ocsp_routes::answer(const std::shared_ptr<request_context>& ctx, const std::string& der,
                         bool get, const responder& done) {
    if (intercept_fault(*ctx, "ocsp", {}, done, render_vendor_error)) {
        return;
    }
    const auto t = m_engine.clock().now();
    const auto a =
        m_responder.respond(reinterpret_cast<const std::uint8_t*>(der.data()), der.size(), t);
    if (!a.detail.empty()) {
        log::debug("OCSP request " + ctx->request_id + " answered with status " +
                   std::to_string(static_cast<int>(a.status)) + ": " + a.detail);
    }
    auto res = make_response(ctx->req, http::status::ok, std::string(a.der.begin(), a.der.end()),
                             "application/ocsp-response");
    if (get && a.cacheable) {
        const auto max_age = std::max<std::int64_t>(
            0, std::chrono::duration_cast<std::chrono::seconds>(a.next_update - t).count());
        res.set(http::field::cache_control,
                "max-age=" + std::to_string(max_age) + ", public, no-transform, must-revalidate");
        res.set(http::field::etag, a.etag);
        res.set(http::field::last_modified, http_date(a.produced_at));
        res.set(http::field::expires, http_date(a.next_update));
    } else {
        res.set(http::field::cache_control, "no-store");
    }
    done(std::move(res));
}

response ocsp_routes::internal_error(const request_context& ctx) const {
    // OCSPResponse { responseStatus internalError (2) }: what an OCSP client understands.
    static const std::string k_internal_error{"\x30\x03\x0a\x01\x02", 5};
    return make_response(ctx.req, http::status::ok, k_internal_error, "application/ocsp-response");
}

} // namespace localca::server::pki
