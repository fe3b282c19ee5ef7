#pragma once
// The only check of enos.auth "unverified-token": the apim-accesstoken header looks like a
// token. Poseidon SDKs send base64(RSA-OAEP(Envision's gateway key, ...)), which only Envision
// can decrypt; our own tokens are "<expiry>.<appKey>.<hex HMAC>"; JWTs are base64url parts
// joined by dots. All of them pass; empty values, free text, whitespace, quotes, control bytes
// and oversized headers do not, so a client that forgot the header still gets the gateway's 401.
#include <cstddef>
#include <string_view>

namespace localca::server::enos {

// Largest accepted token. A Poseidon token (RSA-2048) is 344 characters; 4096 leaves room for
// RSA-4096 and JWTs with claims, and stays below the header limits of real gateways.
inline constexpr std::size_t k_max_access_token = 4096;

// Well-formed: 16 to k_max_access_token characters from the base64 / base64url / JWT alphabet
// (A-Z a-z 0-9 + / = - _ .), at most two '=' of padding at the end of a dot-separated part.
bool well_formed_access_token(std::string_view token);

} // namespace localca::server::enos
