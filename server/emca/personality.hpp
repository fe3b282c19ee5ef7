#pragma once
// The emCA personality: eMudhra emCA's v4.0.17 "Open API" certificate methods.
//   POST /emCAServices/rest/createX509CertificatesByIdWithMultipleCsrData
//        (also /emCAServices/rest/createCertificatesByIdWithMultipleCsrData)
//   POST /emCAServices/rest/getCertificateByRequestID
//   POST /emCAServices/rest/getCertificate
//   POST /emCAServices/rest/revoke
// Every call: header emKey, body {"requestData": Base64(AES-256(JSON)), "userName": ...}; the
// user's password, source address and emKey are checked, payloads are CMS-signed by the user's
// registered certificate. Always HTTP 200 with the status/result envelope. docs/emca.md.
#include "ca/emca/issuance_service.hpp"
#include "server/core/router.hpp"

#include <boost/json/object.hpp>

#include <initializer_list>
#include <optional>

namespace localca::server::emca {

class personality final : public server::personality {
public:
    explicit personality(ca::engine& engine) : m_service(engine) {}
    const char* name() const override { return "emca"; }
    void add_routes(router& r) override;
    // {"status": "Failure", "result": "Internal server error"}, HTTP 200 like every answer.
    response internal_error(const request_context& ctx) const override;

private:
    struct call {
        ca::emca::api_user user;
        boost::json::object fields; // the decrypted JSON
    };
    // Parse, decrypt, required fields and authentication, in emCA's order. nullopt when it has
    // answered (with the failure).
    std::optional<call> open(const request_context& ctx, const responder& done,
                             std::initializer_list<const char*> required);
    // The signed decimal (serial or requestId) of a get/revoke call; nullopt when it has answered.
    std::optional<std::int64_t> signed_number(const call& c, const request_context& ctx,
                                              const responder& done);
    void create(std::shared_ptr<request_context> ctx, responder done);
    void by_request_id(std::shared_ptr<request_context> ctx, responder done);
    void get_certificate(std::shared_ptr<request_context> ctx, responder done);
    void revoke(std::shared_ptr<request_context> ctx, responder done);

    ca::emca::issuance_service m_service;
};

} // namespace localca::server::emca
