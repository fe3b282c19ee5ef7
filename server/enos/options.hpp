#pragma once
// Options of the EnOS personality. Every field documents its default.
#include <chrono>
#include <string>
#include <vector>

namespace localca::server::enos {

enum class auth_mode {
    strict, // token and a valid apim-signature with a timestamp within 5 minutes (default)
    token,  // token required; the signature is checked only when the client sends one
    off,    // no auth at all (developer test CA)
    // A well-formed apim-accesstoken is required but not checked (labs only): Poseidon SDKs
    // encrypt theirs to Envision's own key, which no other server can decrypt. Org scoping stays.
    unverified_token,
};

// "strict" | "token" | "off" | "unverified-token"; false if unknown.
bool parse_auth_mode(const std::string& name, auth_mode* out);
const char* to_string(auth_mode mode);

struct options {
    auth_mode auth = auth_mode::strict;
    // Lifetime of an access token. Default 7200 s (EnOS's).
    std::chrono::seconds token_ttl{7200};
    // Largest accepted difference between a client timestamp and our clock. Default 5 minutes.
    std::chrono::seconds max_clock_skew{300};
    // HMAC key that makes access tokens verifiable without state, so they survive a restart.
    // The composition root keeps it in the data dir. Must not be empty.
    std::vector<unsigned char> token_key;
    // <public_base_url>/enos/CA/cacert/<RSA|ECC> is the certChainURL of answers.
    std::string public_base_url;
    // Per-credential rate limit of the certificate calls (token bucket, keyed by the caller's
    // appKey; by source address when auth is off). Beyond it: HTTP 429 "API rate limit exceeded".
    // per_second 0 (default) = off; burst 0 (default) = per_second rounded up.
    double rate_per_second = 0;
    double rate_burst = 0;
};

} // namespace localca::server::enos
