// The token a Foundry request presents: Bearer or x-api-key, nothing from another scheme.
#include "server/foundry/auth.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::server::foundry;
namespace http = boost::beast::http;

namespace {

server::request with_headers(std::initializer_list<std::pair<std::string, std::string>> headers) {
    server::request req{http::verb::get, "/", 11};
    for (const auto& [k, v] : headers) {
        req.set(k, v);
    }
    return req;
}

} // namespace

BOOST_AUTO_TEST_SUITE(foundry_auth)

BOOST_AUTO_TEST_CASE(token_from_bearer_or_api_key_header) {
    BOOST_TEST(presented_token(with_headers({{"Authorization", "Bearer abc"}})).value_or("") ==
               "abc");
    BOOST_TEST(presented_token(with_headers({{"Authorization", "bearer  abc "}})).value_or("") ==
               "abc");
    BOOST_TEST(presented_token(with_headers({{"x-api-key", "k1"}})).value_or("") == "k1");
    BOOST_TEST(presented_token(with_headers({{"X-API-KEY", "k1"}})).value_or("") == "k1");
    // Another scheme is not ours; the api key still counts.
    BOOST_TEST(presented_token(with_headers({{"Authorization", "Basic YTpi"}, {"x-api-key", "k2"}}))
                   .value_or("") == "k2");
    BOOST_TEST(!presented_token(with_headers({{"Authorization", "Basic YTpi"}})).has_value());
    BOOST_TEST(!presented_token(with_headers({{"Authorization", "Bearer "}})).has_value());
    BOOST_TEST(!presented_token(with_headers({{"Authorization", "Bearerabc"}})).has_value());
    BOOST_TEST(!presented_token(with_headers({{"x-api-key", ""}})).has_value());
    BOOST_TEST(!presented_token(with_headers({})).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
