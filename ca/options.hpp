#pragma once
// CA engine options. Every field documents its default.
#include <chrono>
#include <map>
#include <string>

namespace localca::ca {

struct authority_options {
    // Subject of the self-signed root, in RFC 4514-like "CN=...,O=..." form (first RDN is the
    // first in the DER). Used only when the authority is created (init).
    std::string subject;
    // Validity of the root in days, from creation. Default 3650.
    int validity_days = 3650;
};

struct options {
    // Default "CN=LocalCA RSA Root CA,O=LocalCA" / "CN=LocalCA ECC Root CA,O=LocalCA".
    authority_options rsa{"CN=LocalCA RSA Root CA,O=LocalCA", 3650};
    authority_options ecc{"CN=LocalCA ECC Root CA,O=LocalCA", 3650};

    // Base URL clients reach this server at, without trailing slash. Default
    // "http://127.0.0.1:8080".
    std::string public_base_url = "http://127.0.0.1:8080";

    // The URLs written into certificates are templates (ca::expand_url_template): "{base}" is
    // public_base_url, "{authority}" the issuing authority's name (RSA | ECC). The core knows no
    // route: the wiring sets them to where the server serves those files. A URL added later
    // (OCSP, AIA caIssuers) gets a template of its own here.
    // CRL distribution point of every issued certificate. Default "" (no CRL distribution point).
    std::string crl_url_template;

    // nextUpdate - thisUpdate of every CRL. Default 7 days. A CRL older than half of this is
    // re-signed when fetched, so a served CRL is never stale.
    std::chrono::seconds crl_next_update{7 * 24 * 3600};

    // Authority Information Access of issued certificates (profiles with
    // authority_info_access): the OCSP responder URL and the caIssuers URL (the issuing root,
    // DER), "{authority}" standing for "RSA" / "ECC". "" = that entry is left out; both "" = no
    // AIA extension. Default "" (the wiring in tools/localca sets <publicBaseUrl>/ocsp and
    // <publicBaseUrl>/pki/issuer/{authority}).
    std::string ocsp_url_template;
    std::string ca_issuers_url_template;
    // Per API name ("pki", and each personality's own name): false = its certificates carry no
    // AIA (byte-exact vendor certificates). Absent = true.
    std::map<std::string, bool> authority_info_access;
    bool aia_for(const std::string& api) const {
        const auto it = authority_info_access.find(api);
        return it == authority_info_access.end() || it->second;
    }
};

} // namespace localca::ca
