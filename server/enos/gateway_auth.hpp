#pragma once
// The EnOS API gateway's authentication of a connect-service call, as enos.auth asks (options.hpp,
// auth_mode): strict, an access token issued by our token service and a request signature; token,
// the signature checked only when the call carries one; unverified_token, a token that only has to
// look like one; off. The signature (header apim-signature) is the SHA-256 hex of the access
// token, every query parameter's key and value sorted by key, the raw body, apim-timestamp
// (milliseconds, within options::max_clock_skew of the real time) and the app's secret.
// docs/enos.md has the wire details; the personality answers a refusal (401) and audits it.
#include "ca/clock.hpp"
#include "ca/enos/registry.hpp"
#include "server/core/request_context.hpp"
#include "server/enos/options.hpp"
#include "server/enos/token_service.hpp"

#include <optional>

namespace localca::server::enos {

class gateway_auth {
public:
    // Keeps references: all three outlive it (members of the personality, the engine's clock).
    gateway_auth(const options& opts, token_service& tokens, const ca::clock& clk)
        : m_options(opts), m_tokens(tokens), m_clock(clk) {}

    // False when the call must be answered 401. Sets *app to the calling app (none when off).
    bool authenticate(const request_context& ctx,
                      std::optional<ca::enos::app_credentials>* app) const;

private:
    const options& m_options;
    token_service& m_tokens;
    const ca::clock& m_clock;
};

} // namespace localca::server::enos
