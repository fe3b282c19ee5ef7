// Percent-decoding and query parsing. Malformed escapes are rejected (see server/core/url.hpp
// for why), so the server answers 400 to them.
#include "server/core/request_context.hpp"
#include "server/core/url.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::server;

namespace {

std::string decode(std::string_view in, bool plus_is_space) {
    auto out = url_decode(in, plus_is_space);
    BOOST_REQUIRE_MESSAGE(out.has_value(), "decoding failed: " << in);
    return *out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_query)

BOOST_AUTO_TEST_CASE(percent_escapes) {
    BOOST_TEST(decode("a%2Bb", true) == "a+b");
    BOOST_TEST(decode("a%2bb", true) == "a+b"); // lower-case hex too
    BOOST_TEST(decode("%20%3D%26%25", false) == " =&%");
    BOOST_TEST(decode("", false) == "");
    BOOST_TEST(decode("plain", false) == "plain");
}

BOOST_AUTO_TEST_CASE(plus_means_space_only_in_queries) {
    BOOST_TEST(decode("a+b", true) == "a b");
    BOOST_TEST(decode("a+b", false) == "a+b");
}

BOOST_AUTO_TEST_CASE(utf8_bytes_are_decoded) {
    BOOST_TEST(decode("%E4%B8%AD%E6%96%87", false) == "\xE4\xB8\xAD\xE6\x96\x87"); // 中文
    BOOST_TEST(decode("caf%C3%A9", true) == "caf\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(malformed_escapes_are_rejected) {
    BOOST_TEST(!url_decode("%", false).has_value());
    BOOST_TEST(!url_decode("abc%4", false).has_value());
    BOOST_TEST(!url_decode("%zz", false).has_value());
    BOOST_TEST(!url_decode("%G1", true).has_value());
    BOOST_TEST(!url_decode("%00", true).has_value()); // NUL never reaches a handler
}

BOOST_AUTO_TEST_CASE(invalid_utf8_is_rejected) {
    BOOST_TEST(decode("%F0%9F%94%92%EF%BF%BD", false) == "\xF0\x9F\x94\x92\xEF\xBF\xBD");
    BOOST_TEST(!url_decode("c%B1", true).has_value());          // a lone continuation byte
    BOOST_TEST(!url_decode("%C3", true).has_value());           // a truncated sequence
    BOOST_TEST(!url_decode("%C0%AF", false).has_value());       // overlong '/'
    BOOST_TEST(!url_decode("%ED%A0%80", false).has_value());    // a UTF-16 surrogate
    BOOST_TEST(!url_decode("%F4%90%80%80", false).has_value()); // above U+10FFFF
    BOOST_TEST(!url_decode("\xFF", false).has_value());         // raw, not escaped, too
    std::string path;
    std::multimap<std::string, std::string> query;
    BOOST_TEST(!parse_target("/foundry/certificates/revoke?deviceId=c%B1", path, query));
}

BOOST_AUTO_TEST_CASE(target_split_and_decoded) {
    std::string path;
    std::multimap<std::string, std::string> query;
    BOOST_REQUIRE(
        parse_target("/certs/a%20b?x=1&name=J%C3%BCrgen+M&flag&empty=&&x=2", path, query));
    BOOST_TEST(path == "/certs/a b");
    BOOST_TEST(query.size() == 5u);
    BOOST_TEST(query.count("x") == 2u);
    BOOST_TEST(query.find("name")->second == "J\xC3\xBCrgen M");
    BOOST_TEST(query.find("flag")->second == "");
    BOOST_TEST(query.find("empty")->second == "");

    BOOST_REQUIRE(parse_target("/plain", path, query));
    BOOST_TEST(path == "/plain");
    BOOST_TEST(query.empty());

    BOOST_REQUIRE(parse_target("/q?a%3Db=c%26d", path, query)); // escaped '=' and '&' are data
    BOOST_TEST(query.size() == 1u);
    BOOST_TEST(query.find("a=b")->second == "c&d");

    BOOST_REQUIRE(parse_target("/p+q?", path, query)); // '+' in a path is a plus
    BOOST_TEST(path == "/p+q");
    BOOST_TEST(query.empty());
}

BOOST_AUTO_TEST_CASE(bad_targets_are_rejected) {
    std::string path;
    std::multimap<std::string, std::string> query;
    BOOST_TEST(!parse_target("", path, query));
    BOOST_TEST(!parse_target("*", path, query));
    BOOST_TEST(!parse_target("http://example.com/x", path, query));
    BOOST_TEST(!parse_target("/x%zz", path, query));
    BOOST_TEST(!parse_target("/x?a=%", path, query));
}

BOOST_AUTO_TEST_CASE(query_param_returns_the_first_value) {
    request_context ctx;
    BOOST_REQUIRE(parse_target("/x?k=first&other=1&k=second", ctx.path, ctx.query));
    BOOST_TEST(ctx.query_param("k").value() == "first");
    BOOST_TEST(ctx.query_param("other").value() == "1");
    BOOST_TEST(!ctx.query_param("missing").has_value());
}

BOOST_AUTO_TEST_CASE(log_paths_drop_the_query_and_escape_odd_bytes) {
    BOOST_TEST(log_safe_path("/a/b?token=secret") == "/a/b");
    BOOST_TEST(log_safe_path("/a%20b") == "/a%20b");
    BOOST_TEST(log_safe_path("/caf\xC3\xA9\x01") == "/caf%C3%A9%01");
}

BOOST_AUTO_TEST_SUITE_END()
