#pragma once
// The HTTP binding of the OCSP responder (RFC 6960 appendix A, RFC 5019), vendor-neutral:
//  - POST /ocsp                      body: DER OCSPRequest, Content-Type application/ocsp-request
//  - GET  /ocsp/{url-encoded base64 of the DER OCSPRequest}
//  - GET  /pki/issuer/{RSA|ECC}      the root certificate, DER (application/pkix-cert): the
//                                    caIssuers URL of the AIA extension
// Every OCSP answer, refusals included, is 200 with application/ocsp-response (the OCSP status
// says what went wrong). A GET answer that is the same for every client (no nonce) carries the
// RFC 5019 6.2 cache headers: Cache-Control max-age (until nextUpdate), public, no-transform,
// must-revalidate; ETag; Last-Modified (producedAt); Expires (nextUpdate).
#include "ca/ocsp_responder.hpp"
#include "server/core/router.hpp"

namespace localca::server::pki {

class ocsp_routes final : public server::personality {
public:
    ocsp_routes(ca::engine& engine, ca::ocsp_responder& responder);
    const char* name() const override { return "ocsp"; }
    void add_routes(router& r) override;
    // An escaped exception answers an OCSP "internalError" response (RFC 6960 4.2.1).
    response internal_error(const request_context& ctx) const override;

private:
    void answer(const std::shared_ptr<request_context>& ctx, const std::string& der, bool get,
                const responder& done);

    ca::engine& m_engine;
    ca::ocsp_responder& m_responder;
};

// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 5.6.7).
std::string http_date(std::chrono::system_clock::time_point t);

} // namespace localca::server::pki
