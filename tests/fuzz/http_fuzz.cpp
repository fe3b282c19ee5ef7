// The HTTP request path from raw bytes: Beast's request parser with the server's header and body
// limits (server/core/session.cpp), then target parsing, routing and the handler of whichever
// personality the bytes reach (pki with a token, EnOS strict, emCA, Foundry), on the in-process
// world (fuzz_world.hpp), and the answer serialised as a session writes it. Up to 8 pipelined
// requests per input; "@CERT_ID@" and "@ARN@" stand for a real Foundry certificate.
#include "fuzz_support.hpp"
#include "fuzz_world.hpp"

#include "server/core/options.hpp"

#include <boost/beast/http/parser.hpp>

#include <optional>

namespace {

namespace http = localca::server::http;

localca::fuzz::world& the_world() {
    static localca::fuzz::world w(localca::server::enos::auth_mode::strict);
    return w;
}

constexpr int k_max_requests = 8;

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    the_world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto bytes = the_world().substitute(localca::fuzz::as_text(data, size));
    const localca::server::limits limit; // the server's defaults
    boost::asio::const_buffer in(bytes.data(), bytes.size());
    for (int i = 0; i < k_max_requests && in.size() > 0; ++i) {
        std::optional<http::request_parser<http::string_body>> parser(std::in_place);
        parser->eager(true);
        parser->body_limit(limit.body_bytes);
        parser->header_limit(static_cast<std::uint32_t>(limit.header_bytes));
        boost::beast::error_code ec;
        const auto used = parser->put(in, ec);
        in += used;
        if (ec == http::error::need_more) {
            parser->put_eof(ec); // the client closed: a partial message is an error
        }
        if (ec || !parser->is_done()) {
            return 0; // the session answers 400/413/431 and closes
        }
        auto res = the_world().dispatch(parser->release());
        localca::fuzz::serialize(res);
    }
    return 0;
}
