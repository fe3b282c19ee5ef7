// EnOS codecs: lenient numbers, reasons, Java-style DNs, envelopes.
#include "server/enos/codec.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

namespace enos = localca::server::enos;
namespace json = boost::json;
using localca::ca::errc;

BOOST_AUTO_TEST_SUITE(enos_codec)

BOOST_AUTO_TEST_CASE(numbers_accept_json_numbers_and_numeric_strings) {
    const auto body = json::parse(R"({"a":250,"b":"250","c":" 42 ","d":"12x","e":1.5,"f":-3,
        "g":"-7","h":null,"i":true,"j":250.0})")
                          .as_object();
    auto r = enos::read_int(body, "a");
    BOOST_TEST((r.present && r.valid && r.value == 250));
    r = enos::read_int(body, "b");
    BOOST_TEST((r.valid && r.value == 250));
    BOOST_TEST(enos::read_int(body, "c").value == 42);
    BOOST_TEST((enos::read_int(body, "d").present && !enos::read_int(body, "d").valid));
    BOOST_TEST(!enos::read_int(body, "e").valid);
    BOOST_TEST(enos::read_int(body, "f").value == -3);
    BOOST_TEST(enos::read_int(body, "g").value == -7);
    BOOST_TEST(!enos::read_int(body, "h").present);
    BOOST_TEST(!enos::read_int(body, "i").valid);
    BOOST_TEST(enos::read_int(body, "j").value == 250);
    BOOST_TEST(!enos::read_int(body, "missing").present);
}

BOOST_AUTO_TEST_CASE(reasons_by_number_string_or_name) {
    BOOST_TEST(enos::parse_reason(json::value(1)).value() == 1);
    BOOST_TEST(enos::parse_reason(json::value("5")).value() == 5);
    BOOST_TEST(enos::parse_reason(json::value("KEY_COMPROMISE")).value() == 1);
    BOOST_TEST(enos::parse_reason(json::value("keyCompromise")).value() == 1);
    BOOST_TEST(enos::parse_reason(json::value("privilege withdrawn")).value() == 9);
    BOOST_TEST(enos::parse_reason(json::value("UNSPECIFIED")).value() == 0);
    BOOST_TEST(!enos::parse_reason(json::value("SOMETIMES")).has_value());
    BOOST_TEST(!enos::parse_reason(json::value(-1)).has_value());
    BOOST_TEST(!enos::parse_reason(json::value(true)).has_value());
    BOOST_TEST(enos::reason_name(1) == "KEY COMPROMISE");
    BOOST_TEST(enos::reason_name(5) == "CESSATION OF OPERATION");
}

BOOST_AUTO_TEST_CASE(java_dn_reverses_and_quotes) {
    using localca::ca::dn_attribute;
    const std::vector<dn_attribute> dn = {
        {"2.5.4.6", "C", "CN"},
        {"2.5.4.8", "ST", "Shanghai"},
        {"2.5.4.10", "O", "EnOS"},
        {"2.5.4.3", "CN", "dev1"},
        {"1.2.840.113549.1.9.1", "EMAILADDRESS", "a@b.c"},
        {"1.2.3.4", "", "x"},
    };
    BOOST_TEST(enos::java_dn(dn) ==
               "OID.1.2.3.4=x, EMAILADDRESS=a@b.c, CN=dev1, O=EnOS, ST=Shanghai, C=CN");
    BOOST_TEST(enos::java_dn({{"2.5.4.10", "O", "Acme, Inc."}}) == "O=\"Acme, Inc.\"");
    BOOST_TEST(enos::java_dn({{"2.5.4.3", "CN", "say \"hi\""}}) == "CN=\"say \\\"hi\\\"\"");
}

BOOST_AUTO_TEST_CASE(envelopes) {
    auto ok = json::parse(enos::envelope_ok("rid", json::value(nullptr))).as_object();
    BOOST_TEST(ok.at("code").as_int64() == 0);
    BOOST_TEST(ok.at("msg").as_string() == "OK");
    BOOST_TEST(ok.at("requestId").as_string() == "rid");
    BOOST_TEST(ok.at("data").is_null());
    auto err =
        json::parse(enos::envelope_error("r2", {11404, "Device cannot be found"})).as_object();
    BOOST_TEST(err.at("code").as_int64() == 11404);
    BOOST_TEST(err.at("data").is_null());
}

BOOST_AUTO_TEST_SUITE_END()
