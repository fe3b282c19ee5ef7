#pragma once
// mkcert-style local development certificates (docs/lab.md, `localca cert`): a fresh key
// generated here and a certificate for DNS names, IP addresses, e-mail addresses and URIs from
// one of the LocalCA roots, issued through engine::issue (durable serial, stored row, audit
// entry, revocable, linted) like every certificate.
//
// Blocks (key generation, signing, the commit): never on a network thread.
#include "ca/generated_key.hpp"

#include <string>
#include <vector>

namespace localca::ca {

struct local_certificate_request {
    // Each entry: "user@host" -> rfc822Name, "scheme://..." -> URI, an IPv4/IPv6 address ->
    // iPAddress, else a DNS host name (valid_server_name()). The first is also the subject CN.
    std::vector<std::string> names;
    bool ecdsa = false;  // P-256 key from the ECC authority; default RSA-2048 from the RSA one
    bool client = false; // extendedKeyUsage clientAuth instead of serverAuth
    std::int64_t valid_days = 825; // mkcert's lifetime; clamped to the root's notAfter
    audit_context audit;
};

using local_credentials = generated_credentials;

// The organization of a local certificate's subject (O=..., CN=<first name>).
inline constexpr const char* k_local_organization = "LocalCA development certificate";

// The profile for `req` ("local"): critical basicConstraints CA:FALSE, critical keyUsage
// (digitalSignature, + keyEncipherment for RSA), extendedKeyUsage serverAuth or clientAuth
// (+ emailProtection when an e-mail address is named), the subjectAltName entries.
// Throws std::invalid_argument naming a name that is none of the four kinds.
certificate_profile local_profile(const local_certificate_request& req);

// Errors: internal, and whatever engine::issue refuses. Throws std::invalid_argument for an
// empty or invalid name list.
result<local_credentials> issue_local_certificate(engine& e, const local_certificate_request& req);

} // namespace localca::ca
