// EnOS request decoding: the certificate API (action, orgId and device identifiers from query and
// body, validDay, issueAuthority, certSn, reason, the CSR) and the token service, through the
// real personality on the in-process world (fuzz_world.hpp) with enos.auth off, so that inputs
// reach the decoders behind the gateway's signature check (which the http target covers).
//
// Input: the first line is the query string of /connect-service/v2.1/certificates (GET when it
// asks for action=list, POST otherwise), the rest the body; a first line "token/get" or
// "token/refresh" posts the rest to /apim-token-service/v2.0/<that> instead.
#include "fuzz_support.hpp"
#include "fuzz_world.hpp"

#include <memory>

namespace {

namespace http = localca::server::http;

localca::fuzz::world& the_world() {
    static localca::fuzz::world w(localca::server::enos::auth_mode::off);
    return w;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    the_world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto in = localca::fuzz::as_text(data, size);
    const auto eol = in.find('\n');
    const auto first = in.substr(0, eol);
    const auto body = eol == std::string_view::npos ? std::string_view() : in.substr(eol + 1);
    localca::server::request req;
    req.version(11);
    if (first == "token/get" || first == "token/refresh") {
        req.method(http::verb::post);
        req.target("/apim-token-service/v2.0/" + std::string(first));
    } else {
        const bool list = first.find("action=list") != std::string_view::npos;
        req.method(list ? http::verb::get : http::verb::post);
        req.target("/connect-service/v2.1/certificates?" + std::string(first));
    }
    req.set(http::field::content_type, "application/json");
    req.body() = std::string(body);
    req.prepare_payload();
    auto res = the_world().dispatch(std::move(req));
    localca::fuzz::serialize(res);
    return 0;
}
