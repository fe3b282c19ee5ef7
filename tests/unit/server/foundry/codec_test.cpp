// Foundry's wire pieces: ARN and id forms, the topics parameter, Base64-of-PEM, timestamps,
// token headers, the errc table, config values, and the ACL text of the broker view.
#include "server/foundry/auth.hpp"
#include "server/foundry/codec.hpp"
#include "server/foundry/errors.hpp"
#include "server/foundry/mosquitto_view.hpp"
#include "server/foundry/options.hpp"

#include <boost/json.hpp>
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

BOOST_AUTO_TEST_SUITE(foundry_codec)

BOOST_AUTO_TEST_CASE(arn_has_the_aws_iot_form) {
    const std::string id(64, 'a');
    BOOST_TEST(certificate_arn("us-west-2", "441898714953", id) ==
               "arn:aws:iot:us-west-2:441898714953:cert/" + id);
}

BOOST_AUTO_TEST_CASE(certificate_ids_are_64_lowercase_hex_digits) {
    BOOST_TEST(is_certificate_id(std::string(64, '0')));
    BOOST_TEST(
        is_certificate_id("36964735e7c74c80eb190fb641f958465bf5a1fe54836186b6c819ce15619a0f"));
    BOOST_TEST(
        !is_certificate_id("36964735E7C74C80EB190FB641F958465BF5A1FE54836186B6C819CE15619A0F"));
    BOOST_TEST(!is_certificate_id(std::string(63, 'a')));
    BOOST_TEST(!is_certificate_id(std::string(65, 'a')));
    BOOST_TEST(!is_certificate_id(std::string(63, 'a') + "g"));
    BOOST_TEST(!is_certificate_id(""));
    BOOST_TEST(!is_certificate_id("0x" + std::string(62, 'a')));
}

BOOST_AUTO_TEST_CASE(topics_parameter_is_a_json_array_of_strings) {
    const auto t = topics_from_text(R"(["1/2/3","test/+/+/1","a/#"])");
    BOOST_REQUIRE(t.has_value());
    BOOST_TEST((*t == std::vector<std::string>{"1/2/3", "test/+/+/1", "a/#"}));
    BOOST_TEST(topics_from_text("[]").has_value()); // emptiness is the service's call
    for (const char* bad :
         {"", "a/b", "\"a/b\"", "[1]", "[\"a\", null]", "{\"a\":1}", "[\"a\"", "[[\"a\"]]"}) {
        BOOST_TEST(!topics_from_text(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(cert_and_private_are_base64_of_the_pem_text) {
    // The prefix of Foundry's documented example: Base64 of "-----BEGIN CERTIFICATE-----\n".
    BOOST_TEST(base64_of("-----BEGIN CERTIFICATE-----\n")
                   .rfind("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tC", 0) == 0);
    BOOST_TEST(base64_of("-----BEGIN RSA PRIVATE KEY-----\n")
                   .rfind("LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVkt", 0) == 0);
    BOOST_TEST(base64_of("ab") == "YWI=");
    BOOST_TEST(base64_of(std::string(200, 'x')).find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(timestamps_are_iso8601_utc) {
    using namespace std::chrono;
    BOOST_TEST(iso8601(system_clock::time_point(seconds(2524607999))) == "2049-12-31T23:59:59Z");
    BOOST_TEST(iso8601(system_clock::time_point(seconds(0))) == "1970-01-01T00:00:00Z");
}

BOOST_AUTO_TEST_CASE(success_envelope_comes_first) {
    boost::json::object fields;
    fields["id"] = "x";
    BOOST_TEST(success_body(fields) == R"({"success":true,"id":"x"})");
    BOOST_TEST(success_body() == R"({"success":true})");
}

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

BOOST_AUTO_TEST_CASE(every_errc_has_a_status) {
    using ca::errc;
    const auto status = [](errc c) { return from_errc(ca::make_error(c, "m", "d")).status; };
    BOOST_TEST((status(errc::invalid_topic_filter) == http::status::bad_request));
    BOOST_TEST((status(errc::certificate_not_found) == http::status::not_found));
    BOOST_TEST((status(errc::device_not_found) == http::status::not_found));
    for (auto c : {errc::certificate_not_bound, errc::certificate_bound_elsewhere,
                   errc::certificate_revoked, errc::certificate_expired, errc::already_revoked}) {
        BOOST_TEST((status(c) == http::status::conflict), ca::to_string(c));
    }
    BOOST_TEST((status(errc::internal) == http::status::internal_server_error));
    // Details are shown, except for internal errors.
    BOOST_TEST(from_errc(ca::make_error(errc::certificate_not_found, "certificate not found",
                                        "no certificate x"))
                   .message == "certificate not found: no certificate x");
    BOOST_TEST(
        from_errc(ca::make_error(errc::internal, "internal error", "disk I/O error")).message ==
        "internal error");
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

BOOST_AUTO_TEST_CASE(regions_and_subject_modes) {
    for (const char* r :
         {"us-east-1", "us-west-2", "eu-central-1", "us-gov-west-1", "cn-north-1"}) {
        BOOST_TEST(valid_region(r), r);
    }
    for (const char* r : {"", "us", "us-east", "US-EAST-1", "us_east_1", "us--1", "-us-1",
                          "us-east-1-", "us-east-1a", "1-2"}) {
        BOOST_TEST(!valid_region(r), r);
    }
    subject_mode m = subject_mode::uuid;
    BOOST_TEST(parse_subject_mode("aws", &m));
    BOOST_TEST((m == subject_mode::aws));
    BOOST_TEST(parse_subject_mode("uuid", &m));
    BOOST_TEST((m == subject_mode::uuid));
    BOOST_TEST(!parse_subject_mode("AWS", &m));
}

BOOST_AUTO_TEST_CASE(acl_text_groups_filters_by_cn) {
    const std::vector<storage::foundry::topic_grant> grants = {
        {"AWS IoT Certificate", "a/#"},
        {"AWS IoT Certificate", "a/#"}, // two certificates sharing a CN and a filter
        {"AWS IoT Certificate", "b"},
        {"d1c2", "#"},
        {"d1c2", "x/+/y z"},
    };
    const auto text = acl_text(grants);
    const auto body = text.substr(text.find("\n\n") + 1);
    BOOST_TEST(body == "\nuser AWS IoT Certificate\n"
                       "topic readwrite a/#\n"
                       "topic readwrite b\n"
                       "\nuser d1c2\n"
                       "topic readwrite #\n"
                       "topic readwrite x/+/y z\n");
    // Every line before the first user is a comment: an empty view grants nothing.
    const auto empty = acl_text({});
    std::size_t pos = 0;
    while (pos < empty.size()) {
        const auto end = empty.find('\n', pos);
        BOOST_TEST(empty[pos] == '#');
        pos = end + 1;
    }
}

BOOST_AUTO_TEST_SUITE_END()
