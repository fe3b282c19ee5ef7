#pragma once
// Where the pki personality serves the CA's public files: the paths EnOS devices already use, so
// that the URLs written into certificates and into other APIs' answers resolve here. The one
// place these paths are spelled: the routes, the wiring's default URL templates of ca::options
// (ca::expand_url_template) and the answers that point at these files all use these.
namespace localca::server::pki {

// GET <k_cacert_path>[/{RSA|ECC}]: root certificate, PEM.
inline constexpr const char* k_cacert_path = "/enos/CA/cacert";
// GET <k_crl_path>[/{RSA|ECC}]: CRL, DER (?format=pem for PEM).
inline constexpr const char* k_crl_path = "/enos/CA/crl";

// Default of ca::options::crl_url_template (config ca.crlUrlTemplate).
inline constexpr const char* k_crl_url_template = "{base}/enos/CA/crl/{authority}";
// Where an answer points at an authority's root certificate.
inline constexpr const char* k_cacert_url_template = "{base}/enos/CA/cacert/{authority}";

} // namespace localca::server::pki
