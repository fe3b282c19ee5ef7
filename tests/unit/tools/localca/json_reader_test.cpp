// Strict JSON reading: every refusal names the JSON path of the problem (top level, keys,
// array indexes), unknown keys are errors, and the typed reads accept only their type.
#include "tools/localca/json_reader.hpp"

#include "test_support.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using localca::test::error_of;
namespace tools = localca::tools;

BOOST_AUTO_TEST_SUITE(tools_json_reader)

BOOST_AUTO_TEST_CASE(paths_name_the_problem) {
    const auto doc = tools::parse_json_text(
        R"({"a": {"list": [1, "x", -2], "flag": "yes", "name": ""}, "n": 70000})", "test.json");
    const tools::json_node root(doc, "");
    BOOST_TEST(error_of([&] { root.require_object({"a"}); }) == "n: unknown key");
    BOOST_TEST(error_of([&] { root.require_object({"a", "n"}); }).empty());
    const auto a = root.at("a");
    BOOST_TEST(a.path() == "a");
    BOOST_TEST(error_of([&] { a.at("missing"); }) == "a.missing: is required");
    BOOST_TEST(!a.find("missing").has_value());
    BOOST_TEST(a.has("flag"));
    const auto list = a.at("list");
    BOOST_TEST(list.array_size() == 3u);
    BOOST_TEST(list[0].as_positive_integer() == 1);
    BOOST_TEST(error_of([&] { list[1].as_positive_integer(); }) ==
               "a.list[1]: must be a positive integer");
    BOOST_TEST(error_of([&] { list[2].as_positive_integer(); }) ==
               "a.list[2]: must be a positive integer");
    BOOST_TEST(list[1].as_string() == "x");
    BOOST_TEST(error_of([&] { list[0].as_string(); }) == "a.list[0]: must be a string");
    BOOST_TEST(error_of([&] { a.at("flag").as_bool(); }) == "a.flag: must be true or false");
    BOOST_TEST(error_of([&] { a.at("name").as_nonempty_string(); }) ==
               "a.name: must be a non-empty string");
    BOOST_TEST(error_of([&] { a.array_size(); }) == "a: must be an array");
    BOOST_TEST(error_of([&] { list.require_object({}); }) == "a.list: must be an object");
    BOOST_TEST(root.at("n").as_integer_in(1, 70000) == 70000);
    BOOST_TEST(error_of([&] { root.at("n").as_integer_in(1, 65535); }) ==
               "n: must be an integer from 1 to 65535");
    const tools::json_node top(doc.at("n"), "");
    BOOST_TEST(error_of([&] { top.as_string(); }) == "(top level): must be a string");
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_the_file) {
    const auto message = error_of([] { tools::parse_json_text("{\"a\": ", "seed.json"); });
    BOOST_TEST(message.rfind("seed.json: invalid JSON: ", 0) == 0u, message);
    BOOST_CHECK_THROW(tools::parse_json_text("[1,]", "x"), tools::json_error);
}

BOOST_AUTO_TEST_SUITE_END()
