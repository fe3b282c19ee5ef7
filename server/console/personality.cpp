#include "server/console/personality.hpp"

namespace localca::server::console {

const char* const k_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

namespace {

void add_security_headers(response& res) {
    res.set("Content-Security-Policy", k_content_security_policy);
    res.set("X-Content-Type-Options", "nosniff");
    // The console's URLs carry filters (CNs, serials): no other site learns them.
    res.set("Referrer-Policy", "no-referrer");
    // Older browsers that ignore frame-ancestors.
    res.set("X-Frame-Options", "DENY");
}

response plain(const request& req, http::status status, std::string text) {
    auto res = make_response(req, status, std::move(text), "text/plain; charset=utf-8");
    add_security_headers(res);
    return res;
}

response index_page(const request& req) {
    const asset* index = find_asset("index.html");
    if (!index) {
        // A build without a bundle is a packaging bug, not a client's mistake.
        return plain(req, http::status::internal_server_error, "console bundle missing\n");
    }
    return asset_response(req, *index);
}

} // namespace

response asset_response(const request& req, const asset& a) {
    const bool fresh = req[http::field::if_none_match] == a.etag;
    response res =
        fresh ? make_response(req, http::status::not_modified, "", std::string(a.content_type))
              : make_response(req, http::status::ok, std::string(a.bytes),
                              std::string(a.content_type));
    add_security_headers(res);
    res.set(http::field::etag, a.etag);
    // Revalidated on every load (a 304 costs a round trip, not the bytes): a server upgrade must
    // never leave a browser with a stale script next to a new API.
    res.set(http::field::cache_control, "no-cache");
    return res;
}

void personality::add_routes(router& r) {
    r.add(http::verb::get, "/console", [](std::shared_ptr<request_context> ctx, responder done) {
        // The router ignores one trailing slash, so "/console" and "/console/" both land here;
        // relative URLs in the page need the slash.
        if (ctx->path == "/console") {
            auto res = plain(ctx->req, http::status::moved_permanently, "/console/\n");
            res.set(http::field::location, "/console/");
            done(std::move(res));
            return;
        }
        done(index_page(ctx->req));
    });
    r.add(http::verb::get, "/console/assets/{file}",
          [](std::shared_ptr<request_context> ctx, responder done) {
              const asset* a = find_asset(ctx->path_params.at("file"));
              if (!a || a->name == "index.html") {
                  done(plain(ctx->req, http::status::not_found, "no such asset\n"));
                  return;
              }
              done(asset_response(ctx->req, *a));
          });
    r.add(http::verb::get, "/console/{route...}",
          [](std::shared_ptr<request_context> ctx, responder done) {
              // A deeper path under assets/ is a missing file, not a page of the console.
              if (ctx->path_params.at("route").rfind("assets/", 0) == 0) {
                  done(plain(ctx->req, http::status::not_found, "no such asset\n"));
                  return;
              }
              done(index_page(ctx->req));
          });
}

response personality::internal_error(const request_context& ctx) const {
    return plain(ctx.req, http::status::internal_server_error, "internal error\n");
}

} // namespace localca::server::console
