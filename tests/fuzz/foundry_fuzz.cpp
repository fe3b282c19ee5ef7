// Foundry request decoding: provision's JSON body (arn, certId, deviceId, topics), revoke's
// query and body, the certificate lookup's path, the bearer / x-api-key credentials, through the
// real personality on the in-process world (fuzz_world.hpp), plus the topics parameter decoder
// of generate (generate itself makes an RSA-2048 key per call: too slow to fuzz).
//
// Input: byte 0 picks the call (bits 0-1: provision, revoke, describe, topics decoder) and the
// credential (bit 5 set: none; bit 6 set: x-api-key instead of Authorization: Bearer). For
// revoke the first line of the rest is the query string, for describe the rest of the path
// after /foundry/certificates/. "@CERT_ID@" and "@ARN@" stand for a real INACTIVE certificate.
#include "fuzz_support.hpp"
#include "fuzz_world.hpp"

#include "server/foundry/codec.hpp"

#include <boost/json.hpp>

namespace {

namespace http = localca::server::http;
namespace foundry = localca::server::foundry;
using localca::fuzz::violated;

localca::fuzz::world& the_world() {
    static localca::fuzz::world w(localca::server::enos::auth_mode::strict);
    return w;
}

void topics(std::string_view text) {
    foundry::is_certificate_id(text);
    const auto list = foundry::topics_from_text(text);
    if (!list) {
        return;
    }
    // What decodes must encode back to a JSON array that decodes to the same list.
    boost::json::array again;
    for (const auto& t : *list) {
        again.emplace_back(t);
    }
    if (foundry::topics_from_text(boost::json::serialize(again)) != list) {
        violated("topics_from_text does not round-trip");
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    the_world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto rest = the_world().substitute(localca::fuzz::as_text(data + 1, size - 1));
    const auto eol = rest.find('\n');
    const auto first = rest.substr(0, eol);
    const auto after = eol == std::string::npos ? std::string() : rest.substr(eol + 1);
    localca::server::request req;
    req.version(11);
    switch (data[0] & 3) {
    case 0:
        req.method(http::verb::post);
        req.target("/foundry/certificates/provision");
        req.body() = rest;
        break;
    case 1:
        req.method(http::verb::delete_);
        req.target("/foundry/certificates/revoke?" + first);
        req.body() = after;
        break;
    case 2:
        req.method(http::verb::get);
        req.target("/foundry/certificates/" + rest);
        break;
    default:
        topics(rest);
        return 0;
    }
    if ((data[0] & 0x20) == 0) {
        if (data[0] & 0x40) {
            req.set("x-api-key", localca::fuzz::k_foundry_token);
        } else {
            req.set(http::field::authorization,
                    std::string("Bearer ") + localca::fuzz::k_foundry_token);
        }
    }
    req.set(http::field::content_type, "application/json");
    req.prepare_payload();
    auto res = the_world().dispatch(std::move(req));
    localca::fuzz::serialize(res);
    return 0;
}
