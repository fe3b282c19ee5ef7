// The pki API's error table: every ca::errc has a status (only `internal` is a 500), and the
// JSON body names the code, message and detail.
#include "server/pki/errors.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::server;

BOOST_AUTO_TEST_SUITE(server_pki_errors)

BOOST_AUTO_TEST_CASE(every_code_but_internal_is_the_callers_fault) {
    for (int i = 0; i <= static_cast<int>(ca::errc::internal); ++i) {
        const auto code = static_cast<ca::errc>(i);
        const auto status = static_cast<unsigned>(pki::status_of(code));
        if (code == ca::errc::internal) {
            BOOST_TEST(status == 500u);
        } else {
            BOOST_TEST((status >= 400u && status < 500u), ca::to_string(code) << " -> " << status);
        }
    }
    BOOST_TEST((pki::status_of(ca::errc::csr_malformed) == http::status::bad_request));
    BOOST_TEST((pki::status_of(ca::errc::authentication_failed) == http::status::unauthorized));
    BOOST_TEST((pki::status_of(ca::errc::certificate_not_found) == http::status::not_found));
    BOOST_TEST((pki::status_of(ca::errc::already_revoked) == http::status::conflict));
}

BOOST_AUTO_TEST_CASE(the_body_names_the_code) {
    request req{http::verb::post, "/pki/v1/certificates", 11};
    const auto res = pki::error_response(
        req, ca::make_error(ca::errc::key_in_use, "key in use", "live certificate 12"));
    BOOST_TEST(res.result_int() == 409u);
    BOOST_TEST(res[http::field::content_type] == "application/json");
    const auto body = boost::json::parse(res.body()).as_object();
    BOOST_TEST(body.at("code").as_string() == "key_in_use");
    BOOST_TEST(body.at("message").as_string() == "key in use");
    BOOST_TEST(body.at("detail").as_string() == "live certificate 12");
}

BOOST_AUTO_TEST_SUITE_END()
