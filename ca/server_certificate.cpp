#include "ca/server_certificate.hpp"

#include "ca/csr.hpp"

#include <botan/pkcs8.h>
#include <botan/rsa.h>

namespace localca::ca {

result<server_credentials> issue_server_certificate(engine& e,
                                                    const server_certificate_request& req) {
    issue_request issue;
    issue.api = "server";
    issue.authority = authority_kind::rsa;
    issue.profile = server_profile(req.names);
    issue.validity = req.validity;
    issue.audit = req.audit;
    server_credentials out;
    try {
        // RSA-2048: the RSA authority's key policy, and what every TLS client accepts.
        const Botan::RSA_PrivateKey key(thread_rng(), 2048);
        issue.subject = subject_key_for(key, req.names.front());
        out.private_key_pem = Botan::PKCS8::PEM_encode(key);
    } catch (const std::exception& ex) {
        return make_error(errc::internal, "internal error", ex.what());
    }
    auto issued = e.issue_sync(std::move(issue));
    if (!issued) {
        return issued.err();
    }
    out.certificate = std::move(issued.value());
    return out;
}

} // namespace localca::ca
