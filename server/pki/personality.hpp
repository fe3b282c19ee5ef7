#pragma once
// The "pki" personality: what LocalCA serves as a plain CA, independent of any vendor API.
//  - GET /healthz                                   {"status":"ok"} (+ "lab":true in lab mode)
//  - GET /enos/CA/cacert, /enos/CA/cacert/{RSA|ECC}  root certificate, PEM (no auth)
//  - GET /enos/CA/crl, /enos/CA/crl/{RSA|ECC}        CRL, DER; ?format=pem for PEM (no auth)
//    (the paths EnOS devices already use, so certificates' CRL URLs resolve here: paths.hpp)
//  - with a configured token, the plain issuance API (Authorization: Bearer <token>):
//      POST /pki/v1/certificates              {"csr": PEM, "authority": "RSA", "validDays": 30}
//      GET  /pki/v1/certificates/{sn}
//      POST /pki/v1/certificates/{sn}/revoke  {"reason": 1}
//      POST /pki/v1/revocations               {"filter": {"orgId": "o1", ...}, "reason":
//                                             "keyCompromise"} -> {"revoked": N} (bulk, batched:
//                                             ca/bulk_revocation.hpp; keys from the modules)
//    Errors: {"code": "<ca errc name>", "message": "...", "detail": "..."} with 400/401/404/409/500
//    (an internal error of any route here is {"code": "internal", ...} with 500, without detail).
#include "ca/engine.hpp"
#include "server/core/router.hpp"
#include "storage/bulk_filters.hpp"

#include <string>

namespace localca::server::pki {

struct options {
    std::string token; // empty: /pki/v1 is not routed
    // The filter keys of POST /pki/v1/revocations (core and vendor modules', wired by the
    // caller); null: the route is not served.
    const storage::bulk_filters* bulk_filters = nullptr;
    bool lab = false;  // lab mode on: /healthz says "lab": true (docs/lab.md)
};

class personality final : public server::personality {
public:
    personality(ca::engine& engine, options opts);
    const char* name() const override { return "pki"; }
    void add_routes(router& r) override;
    // {"code": "internal", "message": "internal error", "detail": ""}, HTTP 500.
    response internal_error(const request_context& ctx) const override;

private:
    void get_cacert(std::shared_ptr<request_context> ctx, responder done);
    void get_crl(std::shared_ptr<request_context> ctx, responder done);
    void post_certificate(std::shared_ptr<request_context> ctx, responder done);
    void get_certificate(std::shared_ptr<request_context> ctx, responder done);
    void post_revoke(std::shared_ptr<request_context> ctx, responder done);
    void post_revocations(std::shared_ptr<request_context> ctx, responder done);
    bool authorized(const request_context& ctx) const;
    // authorized(), else audits the refusal and answers 401; true when the call may go on.
    bool admit(const request_context& ctx, const responder& done);

    ca::engine& m_engine;
    options m_options;
};

} // namespace localca::server::pki
