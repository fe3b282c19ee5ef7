#pragma once
// LocalCA's own TLS server certificate: a fresh key generated in memory and a certificate from
// the RSA authority with the server profile (profile.hpp), recorded like every certificate
// (durable serial, certificate row, audit entry) before it is handed out. The key is never
// written anywhere: a restarted server issues a new certificate.
//
// Blocks (key generation, signing, the commit): never on a network thread.
#include "ca/generated_key.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace localca::ca {

struct server_certificate_request {
    // subjectAltName entries (IP addresses or DNS names, see valid_server_name()); the first one
    // is also the subject CN.
    std::vector<std::string> names;
    std::chrono::seconds validity{30 * 24 * 3600};
    audit_context audit;
};

// The key is RSA-2048 and exists only in memory.
using server_credentials = generated_credentials;

// Errors: internal (and whatever engine::issue refuses). Throws std::invalid_argument for an
// empty or invalid name list (a configuration error, checked before the server starts).
result<server_credentials> issue_server_certificate(engine& e,
                                                    const server_certificate_request& req);

} // namespace localca::ca
