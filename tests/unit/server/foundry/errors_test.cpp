// Foundry's error table and failure bodies: a status for every ca::errc, details shown except
// for internal errors.
#include "server/foundry/errors.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::server::foundry;
namespace http = boost::beast::http;

BOOST_AUTO_TEST_SUITE(foundry_errors)

BOOST_AUTO_TEST_CASE(every_errc_has_a_status) {
    using ca::errc;
    const auto status = [](errc c) {
        return server::foundry::from_errc(ca::make_error(c, "m", "d")).status;
    };
    BOOST_TEST((status(errc::invalid_topic_filter) == http::status::bad_request));
    BOOST_TEST((status(errc::certificate_not_found) == http::status::not_found));
    BOOST_TEST((status(errc::device_not_found) == http::status::not_found));
    for (auto c : {errc::certificate_not_bound, errc::certificate_bound_elsewhere,
                   errc::certificate_revoked, errc::certificate_expired, errc::already_revoked}) {
        BOOST_TEST((status(c) == http::status::conflict), ca::to_string(c));
    }
    BOOST_TEST((status(errc::internal) == http::status::internal_server_error));
    // Details are shown, except for internal errors.
    BOOST_TEST(
        server::foundry::from_errc(ca::make_error(errc::certificate_not_found,
                                                  "certificate not found", "no certificate x"))
            .message == "certificate not found: no certificate x");
    BOOST_TEST(server::foundry::from_errc(
                   ca::make_error(errc::internal, "internal error", "disk I/O error"))
                   .message == "internal error");
    // Every code up to internal maps to some 4xx/5xx status.
    for (int i = 0; i <= static_cast<int>(errc::internal); ++i) {
        const auto s = static_cast<unsigned>(status(static_cast<errc>(i)));
        BOOST_TEST((s >= 400 && s < 600), ca::to_string(static_cast<errc>(i)));
    }
}

BOOST_AUTO_TEST_CASE(failure_body) {
    const server::request req{http::verb::get, "/", 11};
    const auto res = failure(req, bad_request("certId is required"));
    BOOST_TEST(res.result_int() == 400u);
    BOOST_TEST(res.body() == R"({"success":false,"message":"certId is required"})");
    BOOST_TEST(failure(req, unauthorized()).result_int() == 401u);
}

BOOST_AUTO_TEST_SUITE_END()
