// The emCA wire formats: validity, validFrom, the multi-CSR payload, results and the envelope.
#include "server/emca/codec.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::server::emca;

BOOST_AUTO_TEST_SUITE(emca_codec)

BOOST_AUTO_TEST_CASE(validity) {
    BOOST_TEST(parse_validity("120:23:45:54")->count() == ((120 * 24 + 23) * 60 + 45) * 60 + 54);
    BOOST_TEST(parse_validity("36135:0:0:0")->count() == 36135LL * 86400);
    BOOST_TEST(parse_validity(" 1:0:0:0 ")->count() == 86400);
    for (const char* bad : {"36136:0:0:0", "1:24:0:0", "1:0:60:0", "1:0:0:60", "1:0:0", "1:0:0:0:0",
                            "a:0:0:0", "-1:0:0:0", "", "1::0:0", "+1:0:0:0"}) {
        BOOST_TEST(!parse_validity(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(valid_from) {
    const auto t = parse_valid_from("12:12:2019 01:02:03");
    BOOST_TEST_REQUIRE(t.has_value());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count() ==
               1576112523);
    BOOST_TEST(parse_valid_from("29:02:2024 00:00:00").has_value());
    for (const char* bad : {"29:02:2023 00:00:00", "1:12:2019 00:00:00", "12:12:19 00:00:00",
                            "12-12-2019 00:00:00", "12:12:2019", "12:12:2019 24:00:00",
                            "12:12:2019 00:60:00", "01:01:2201 00:00:00", "01:01:1949 00:00:00"}) {
        BOOST_TEST(!parse_valid_from(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(csr_payload) {
    const auto items = parse_csr_payload("A|TUlJ~ B | -----BEGIN CERTIFICATE REQUEST-----\nx\n"
                                         "-----END CERTIFICATE REQUEST-----\n");
    BOOST_TEST_REQUIRE(items.has_value());
    BOOST_TEST(items->size() == 2u);
    BOOST_TEST((*items)[0].id == "A");
    BOOST_TEST((*items)[0].csr == "MII"); // Base64 decoded to DER bytes
    BOOST_TEST((*items)[1].id == "B");
    BOOST_TEST((*items)[1].csr.rfind("-----BEGIN", 0) == 0u);
    for (const char* bad : {"", "A", "A|", "|TUlJ", "A|TUlJ~A|TUlJ", "A|TUlJ~", "A|%%%"}) {
        BOOST_TEST(!parse_csr_payload(bad).has_value(), bad);
    }
    std::string many;
    for (std::size_t i = 0; i <= k_max_csrs; ++i) {
        many += i ? "~" : "";
        many += std::to_string(i);
        many += "|TUlJ";
    }
    BOOST_TEST(!parse_csr_payload(many).has_value());
}

BOOST_AUTO_TEST_CASE(outcome_and_envelope) {
    ca::emca::batch_outcome issued;
    issued.entries.push_back({"ID1", {0x30, 0x01}, std::nullopt});
    issued.entries.push_back({"ID2", {0x30, 0x02}, std::nullopt});
    const auto result = outcome_result(issued);
    const auto decoded = base64_decode(result);
    BOOST_TEST(std::string(decoded->begin(), decoded->end()) == "ID1|MAE=~ID2|MAI=");
    BOOST_TEST(!outcome_request_ids(issued).has_value());

    ca::emca::batch_outcome pending;
    pending.pending = true;
    pending.entries.push_back({"A", {}, 7});
    pending.entries.push_back({"B", {}, 8});
    BOOST_TEST(outcome_result(pending) == k_accepted);
    BOOST_TEST(*outcome_request_ids(pending) == "A|7~B|8");

    BOOST_TEST(envelope_success("r", std::string("s"), std::nullopt) ==
               R"({"status":"Success","result":"r","subscriberId":"s","requestId":null})");
    BOOST_TEST(
        envelope_failure("Invalid validity") ==
        R"({"status":"Failure","result":"Invalid validity","subscriberId":null,"requestId":null})");
}

BOOST_AUTO_TEST_CASE(decimal) {
    BOOST_TEST(*parse_decimal(" 42\n") == 42);
    BOOST_TEST(!parse_decimal("0").has_value());
    BOOST_TEST(!parse_decimal("-1").has_value());
    BOOST_TEST(!parse_decimal("12a").has_value());
    BOOST_TEST(!parse_decimal("1234567890123456789").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
