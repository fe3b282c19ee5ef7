// MQTT topic filter validation (ca/foundry/topic_filter.hpp): the rules of MQTT 3.1.1 section 4.7
// plus our refusals of control characters and edge spaces (they would corrupt a broker ACL file).
#include "ca/foundry/topic_filter.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace localca;

namespace {

bool valid(const std::string& filter) {
    return ca::foundry::check_topic_filter(filter).ok();
}

std::string detail_of(const std::string& filter) {
    const auto st = ca::foundry::check_topic_filter(filter);
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST((st.err().code == ca::errc::invalid_topic_filter));
    return st.err().detail;
}

} // namespace

BOOST_AUTO_TEST_SUITE(foundry_topic_filter)

BOOST_AUTO_TEST_CASE(valid_filters) {
    for (const std::string f : {"a",
                                "a/b/c",
                                "#",
                                "+",
                                "+/+",
                                "a/#",
                                "a/+/b",
                                "test/+/+/1",
                                "1/2/3",
                                "/",
                                "//",
                                "a//b",
                                "/a",
                                "a/",
                                "+/#",
                                "$SYS/#",
                                "sport/tennis/player1/#",
                                "a b/c d",
                                "caf\xc3\xa9/\xe2\x82\xac",
                                "\xf0\x9f\x98\x80/x",
                                "\xef\xbb\xbf"
                                "bom"}) {
        BOOST_TEST(valid(f), f);
    }
    BOOST_TEST(valid(std::string(65535, 'a')));
}

BOOST_AUTO_TEST_CASE(wildcards_must_be_whole_levels) {
    BOOST_TEST(detail_of("1/#/1") == "'#' must be the last level"); // Foundry's own doc example
    BOOST_TEST(detail_of("#/a") == "'#' must be the last level");
    BOOST_TEST(detail_of("a#") == "'#' must be a whole level");
    BOOST_TEST(detail_of("a/b#") == "'#' must be a whole level");
    BOOST_TEST(detail_of("a/#b") == "'#' must be a whole level");
    BOOST_TEST(detail_of("##") == "'#' must be a whole level");
    BOOST_TEST(detail_of("a+") == "'+' must be a whole level");
    BOOST_TEST(detail_of("a/+b/c") == "'+' must be a whole level");
    BOOST_TEST(detail_of("++") == "'+' must be a whole level");
    BOOST_TEST(detail_of("sport+") == "'+' must be a whole level");
}

BOOST_AUTO_TEST_CASE(empty_and_too_long) {
    BOOST_TEST(detail_of("") == "a topic filter must not be empty");
    BOOST_TEST(detail_of(std::string(65536, 'a')) ==
               "a topic filter is at most 65535 bytes, this one has 65536");
}

BOOST_AUTO_TEST_CASE(utf8_must_be_well_formed) {
    for (const std::string& f : {std::string("a\xff"), std::string("\xc3"), std::string("\xc3(x"),
                                 std::string("\xc0\xaf"),         // overlong '/'
                                 std::string("\xe0\x80\xaf"),     // overlong '/'
                                 std::string("\xed\xa0\x80"),     // surrogate U+D800
                                 std::string("\xf4\x90\x80\x80"), // above U+10FFFF
                                 std::string("\x80"), std::string("a/\xf0\x9f\x98")}) {
        const auto d = detail_of(f);
        BOOST_TEST(d.rfind("not valid UTF-8 at byte ", 0) == 0, d);
    }
    BOOST_TEST(detail_of("ab\xff") == "not valid UTF-8 at byte 2");
}

BOOST_AUTO_TEST_CASE(no_nul_nor_control_characters) {
    BOOST_TEST(detail_of(std::string("a\0b", 3)) == "control character U+0000 at byte 1");
    BOOST_TEST(detail_of("a\nuser root") == "control character U+000A at byte 1");
    BOOST_TEST(detail_of("\r") == "control character U+000D at byte 0");
    BOOST_TEST(detail_of("a\tb") == "control character U+0009 at byte 1");
    BOOST_TEST(detail_of("a\x7f") == "control character U+007F at byte 1");
    BOOST_TEST(detail_of("a\xc2\x85") == "control character U+0085 at byte 1"); // NEL
    BOOST_TEST(valid("a\xc2\xa0"));                                             // NBSP is text
}

BOOST_AUTO_TEST_CASE(no_leading_or_trailing_space) {
    BOOST_TEST(detail_of(" a") == "a topic filter must not start or end with a space");
    BOOST_TEST(detail_of("a/b ") == "a topic filter must not start or end with a space");
    BOOST_TEST(detail_of(" ") == "a topic filter must not start or end with a space");
}

BOOST_AUTO_TEST_CASE(policy_checks_each_filter_and_drops_duplicates) {
    auto ok = ca::foundry::check_topic_policy({"a/#", "b", "a/#", "c/+", "b"});
    BOOST_REQUIRE(ok.ok());
    BOOST_TEST((ok.value() == std::vector<std::string>{"a/#", "b", "c/+"}));

    auto empty = ca::foundry::check_topic_policy({});
    BOOST_REQUIRE(!empty.ok());
    BOOST_TEST((empty.err().code == ca::errc::invalid_topic_filter));
    BOOST_TEST(empty.err().detail == "the topic policy must contain at least one filter");

    auto bad = ca::foundry::check_topic_policy({"ok", "fine/#", "1/#/1"});
    BOOST_REQUIRE(!bad.ok());
    BOOST_TEST(bad.err().detail == "topics[2]: '#' must be the last level");
    BOOST_TEST(bad.err().message == "invalid topic filter");
}

BOOST_AUTO_TEST_SUITE_END()
