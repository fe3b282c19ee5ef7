// The operator API's parameters: RFC 3339 times (offsets, fractions, refusals), known and
// positive parameters, the limit's range, opaque cursors and revocation reasons.
#include "server/admin/codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <ctime>

using namespace localca::server;
using namespace localca::server::admin;

namespace {

request_context with_query(std::initializer_list<std::pair<const std::string, std::string>> q) {
    request_context ctx;
    ctx.query = q;
    return ctx;
}

std::string refused_parameter(const std::function<void()>& f) {
    try {
        f();
    } catch (const bad_parameter& e) {
        return e.parameter;
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_admin_codec)

BOOST_AUTO_TEST_CASE(rfc3339_times) {
    BOOST_TEST((parse_rfc3339("1970-01-01T00:00:00Z") == std::int64_t{0}));
    BOOST_TEST((parse_rfc3339("2026-01-31T12:00:00Z") == std::int64_t{1769860800}));
    BOOST_TEST((parse_rfc3339("2026-01-31T14:00:00+02:00") == std::int64_t{1769860800}));
    BOOST_TEST((parse_rfc3339("2026-01-31t11:30:00.999-00:30") == std::int64_t{1769860800}));
    BOOST_TEST(rfc3339(1769860800) == "2026-01-31T12:00:00Z");
    BOOST_TEST((parse_rfc3339(rfc3339(1234567890)) == std::int64_t{1234567890}));
    // The hand-written formatter against the C library's, across leap years, centuries (1900 and
    // 2100 are not leap years, 2000 is), both sides of the epoch and the 4-digit bounds.
    auto libc = [](std::int64_t t) {
        const std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        char buf[40];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return std::string(buf);
    };
    std::uint64_t x = 16;
    for (int i = 0; i < 200000; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto t = static_cast<std::int64_t>(x >> 20) % 40'000'000'000LL - 12'000'000'000LL;
        BOOST_TEST_REQUIRE(rfc3339(t) == libc(t), t);
    }
    for (const std::int64_t t :
         {std::int64_t{-1}, std::int64_t{0}, std::int64_t{951782400}, std::int64_t{4107456000},
          std::int64_t{-2203891200}, std::int64_t{-30610224000}, std::int64_t{253402300799},
          std::int64_t{253402300800}, std::int64_t{-30610224001}}) {
        BOOST_TEST(rfc3339(t) == libc(t), t);
    }
    for (const char* bad :
         {"", "2026-01-31", "2026-01-31T12:00:00", "2026-13-01T00:00:00Z", "2026-01-31T24:00:00Z",
          "2026-01-31T12:00:00.Z", "2026-01-31T12:00:00+0200", "2026-01-31T12:00:00Zjunk",
          "2026-1-31T12:00:00Z"}) {
        BOOST_TEST(!parse_rfc3339(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(parameters_are_checked_and_named_when_refused) {
    const auto ctx = with_query({{"from", "2026-01-31T12:00:00Z"}, {"limit", "5"}, {"sn", "x"}});
    BOOST_TEST((time_param(ctx, "from") == std::int64_t{1769860800}));
    BOOST_TEST(!time_param(ctx, "to").has_value());
    BOOST_TEST(limit_param(ctx) == 5);
    BOOST_TEST(refused_parameter([&] { positive_param(ctx, "sn"); }) == "sn");
    BOOST_TEST(refused_parameter([&] {
                   time_param(with_query({{"to", "yesterday"}}), "to");
               }) == "to");
    BOOST_TEST(refused_parameter([&] { check_known(ctx, {"from", "limit"}); }) == "sn");
    BOOST_TEST(refused_parameter([&] { check_known(ctx, {"from", "limit", "sn"}); }) == "");

    BOOST_TEST(limit_param(with_query({})) == 100);
    BOOST_TEST(limit_param(with_query({{"limit", "1000"}})) == 1000);
    for (const char* bad : {"0", "1001", "-1", "1.5", ""}) {
        BOOST_TEST(refused_parameter([&] {
                       limit_param(with_query({{"limit", bad}}));
                   }) == "limit",
                   bad);
    }
}

BOOST_AUTO_TEST_CASE(cursors_round_trip_and_garbage_is_refused) {
    const std::string text = "1769860800:42\x01\xff";
    BOOST_TEST((decode_cursor(encode_cursor(text)) == text));
    BOOST_TEST(encode_cursor("A") == "41");
    for (const char* bad : {"", "4", "zz", "4g", "+1"}) {
        BOOST_TEST(!decode_cursor(bad).has_value(), bad);
    }
    BOOST_TEST(!decode_cursor(std::string(202, 'a')).has_value());
}

BOOST_AUTO_TEST_CASE(revocation_reasons_by_name_or_code) {
    BOOST_TEST((parse_reason(boost::json::value("keyCompromise")) == 1));
    BOOST_TEST((parse_reason(boost::json::value(4)) == 4));
    BOOST_TEST((parse_reason(boost::json::value("privilegeWithdrawn")) == 9));
    // Codes the engine does not accept, unknown names and other types.
    for (const auto& bad : {boost::json::value(2), boost::json::value(8), boost::json::value(7),
                            boost::json::value("removeFromCRL"), boost::json::value(""),
                            boost::json::value(true), boost::json::value(nullptr)}) {
        BOOST_TEST(!parse_reason(bad).has_value(), boost::json::serialize(bad));
    }
    BOOST_TEST(std::string(reason_name(5)) == "cessationOfOperation");
    BOOST_TEST(std::string(reason_name(7)) == "unspecified");
    BOOST_TEST(std::string(reason_name(-1)) == "unspecified");
}

BOOST_AUTO_TEST_CASE(errors_are_json_naming_the_parameter) {
    request req{http::verb::get, "/admin/v1/certificates", 11};
    auto res = error_json(req, http::status::bad_request, "bad limit", "limit");
    BOOST_TEST(res.result_int() == 400u);
    auto body = boost::json::parse(res.body()).as_object();
    BOOST_TEST(body.at("message").as_string() == "bad limit");
    BOOST_TEST(body.at("parameter").as_string() == "limit");
    res = error_json(req, http::status::not_found, "no such certificate");
    BOOST_TEST(!boost::json::parse(res.body()).as_object().contains("parameter"));
}

BOOST_AUTO_TEST_SUITE_END()
