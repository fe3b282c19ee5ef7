#pragma once
// The web console (docs/console.md), served on every listener from the assets compiled into the
// binary (server/console/assets.hpp). It is a client of the operator and lab APIs only: it holds
// no data and opens nothing that an admin token does not already open.
//  - GET /console              301 to /console/
//  - GET /console/             index.html
//  - GET /console/assets/<f>   an embedded file, 404 when unknown
//  - GET /console/<route...>   index.html: the page's own routes (History API), so that deep
//                              links and reloads work
// Every answer carries the console's security headers (console_headers()).
#include "server/console/assets.hpp"
#include "server/core/router.hpp"

namespace localca::server::console {

// The Content-Security-Policy of every console answer: scripts, styles and fetches from this
// origin only, no inline code, no eval, no framing, no forms posted anywhere.
extern const char* const k_content_security_policy;

// The answer for `a`: its bytes, type and ETag with the security headers, or 304 when the request's
// If-None-Match names the current ETag.
response asset_response(const request& req, const asset& a);

class personality final : public server::personality {
public:
    const char* name() const override { return "console"; }
    void add_routes(router& r) override;
    // 500 as plain text with the security headers: the console's answers are pages, not JSON.
    response internal_error(const request_context& ctx) const override;
};

} // namespace localca::server::console
