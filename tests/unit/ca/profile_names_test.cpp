// The text names of profile constraints: known names and dotted OIDs accepted, anything else
// refused (so that a bad seed file fails when seeding), and the space-separated lists.
#include "ca/profile_names.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca::ca;

BOOST_AUTO_TEST_SUITE(ca_profile_names)

BOOST_AUTO_TEST_CASE(key_usages_combine_and_unknown_names_are_refused) {
    const auto ku = parse_key_usage({"digitalSignature", "keyAgreement"});
    BOOST_TEST_REQUIRE(ku.has_value());
    BOOST_TEST(static_cast<int>(*ku) == (Botan::DIGITAL_SIGNATURE | Botan::KEY_AGREEMENT));
    BOOST_TEST(static_cast<int>(*parse_key_usage({})) == 0);
    BOOST_TEST(!parse_key_usage({"digitalSignature", "keyCertSign"}).has_value());
    BOOST_TEST(!parse_key_usage({"DigitalSignature"}).has_value()); // names are case-sensitive
}

BOOST_AUTO_TEST_CASE(extended_key_usages_by_name_or_dotted_oid) {
    const auto eku = parse_extended_key_usage({"clientAuth", "1.3.6.1.4.1.99999.1"});
    BOOST_TEST_REQUIRE(eku.has_value());
    BOOST_TEST_REQUIRE(eku->size() == 2u);
    BOOST_TEST(eku->at(0).to_string() == "1.3.6.1.5.5.7.3.2");
    BOOST_TEST(eku->at(1).to_string() == "1.3.6.1.4.1.99999.1");
    for (const char* bad : {"anyUsage", "1", "1..2", ".1.2", "1.2.", "1.2a", ""}) {
        BOOST_TEST(!parse_extended_key_usage({bad}).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(subject_attributes) {
    BOOST_TEST(parse_subject_attribute("CN")->to_string() == "2.5.4.3");
    BOOST_TEST(parse_subject_attribute("E")->to_string() == "1.2.840.113549.1.9.1");
    BOOST_TEST(parse_subject_attribute("emailAddress")->to_string() == "1.2.840.113549.1.9.1");
    BOOST_TEST(parse_subject_attribute("2.5.4.97")->to_string() == "2.5.4.97");
    BOOST_TEST(!parse_subject_attribute("cn").has_value());
    BOOST_TEST(!parse_subject_attribute("GIVENNAME").has_value());
}

BOOST_AUTO_TEST_CASE(key_types) {
    BOOST_TEST(key_type_of(authority_kind::rsa) == "RSA-2048");
    BOOST_TEST(key_type_of(authority_kind::ecc) == "P-256");
    BOOST_TEST(key_type_known(key_type_of(authority_kind::rsa)));
    BOOST_TEST(key_type_known(key_type_of(authority_kind::ecc)));
    BOOST_TEST(!key_type_known("RSA-4096"));
    BOOST_TEST(!key_type_known("p-256"));
}

BOOST_AUTO_TEST_CASE(word_lists_round_trip) {
    const auto words = split_words("  CN \t O\nOU  ");
    BOOST_TEST(words == (std::vector<std::string>{"CN", "O", "OU"}),
               boost::test_tools::per_element());
    BOOST_TEST(join_words(words) == "CN O OU");
    BOOST_TEST(split_words("").empty());
    BOOST_TEST(split_words(" \t ").empty());
    BOOST_TEST(join_words({}) == "");
    BOOST_TEST(split_words(join_words({"a", "b"})) == (std::vector<std::string>{"a", "b"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
