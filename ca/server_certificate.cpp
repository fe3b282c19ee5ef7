#include "ca/server_certificate.hpp"

namespace localca::ca {

result<server_credentials> issue_server_certificate(engine& e,
                                                    const server_certificate_request& req) {
    issue_request issue;
    issue.api = "server";
    issue.authority = authority_kind::rsa;
    issue.profile = server_profile(req.names);
    issue.validity = req.validity;
    issue.audit = req.audit;
    return issue_with_generated_key(e, std::move(issue), req.names.front());
}

} // namespace localca::ca
