// Foundry's wire pieces: ARN and id forms, the topics parameter, Base64-of-PEM, timestamps and
// the success envelope.
#include "server/foundry/codec.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::server::foundry;

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

BOOST_AUTO_TEST_SUITE_END()
