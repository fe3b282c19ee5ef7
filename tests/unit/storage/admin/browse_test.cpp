// The browse runner on a table of the test's own (the runner names no table): keyset pages in
// key order, scope and filter conditions, integer and text keys, null cells, list fields, the
// scope check, and a cursor whose integer key is not one.
#include "storage/admin/browse.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::admin;

namespace {

struct browse_fixture : test::migrated_db {
    browse_source source;
    browse_fixture() {
        db.exec_script("CREATE TABLE browse_groups (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"
                       "CREATE TABLE browse_items (id INTEGER PRIMARY KEY, grp INTEGER NOT NULL, "
                       "name TEXT NOT NULL, n INTEGER, flag INTEGER NOT NULL);"
                       "CREATE TABLE browse_tags (item INTEGER, pos INTEGER, tag TEXT);"
                       "INSERT INTO browse_groups VALUES (1, 'g1'), (2, 'g2');"
                       "INSERT INTO browse_items VALUES (10, 1, 'a', 5, 1), (11, 1, 'b', NULL, 0), "
                       "(12, 2, 'c', 7, 0), (13, 1, 'd', 9, 1), (14, 1, 'e', 1, 0);"
                       "INSERT INTO browse_tags VALUES (10, 2, 'second'), (10, 1, 'first'), "
                       "(13, 1, 'only');");
        source.route = "groups/{group}/items";
        source.key_sql = "i.id";
        source.from_sql = "FROM browse_items i JOIN browse_groups g ON g.id = i.grp";
        source.scopes = {{"group", "g.name = ?"}};
        source.scope_exists_sql = "SELECT 1 FROM browse_groups WHERE name = ?";
        source.filters = {{"name", "i.name = ?"}};
        source.columns = {{"name", "i.name", browse_kind::text},
                          {"n", "i.n", browse_kind::integer},
                          {"flag", "i.flag", browse_kind::boolean}};
        source.lists = {{"tags", "SELECT tag FROM browse_tags WHERE item = ? ORDER BY pos"}};
    }

    std::vector<std::string> keys(const browse_query& q) {
        std::vector<std::string> out;
        for (const auto& r : browse(db, source, q)) {
            out.push_back(r.key);
        }
        return out;
    }
};

using strings = std::vector<std::string>;

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_admin_browse, browse_fixture)

BOOST_AUTO_TEST_CASE(pages_follow_the_key_within_the_scope) {
    browse_query q;
    q.conditions = {{"g.name = ?", "g1"}};
    q.limit = 2;
    BOOST_TEST(keys(q) == (strings{"10", "11"}), boost::test_tools::per_element());
    q.after = "11";
    BOOST_TEST(keys(q) == (strings{"13", "14"}), boost::test_tools::per_element());
    q.after = "14";
    BOOST_TEST(keys(q).empty());
    q.after.reset();
    q.conditions.emplace_back("i.name = ?", "d");
    BOOST_TEST(keys(q) == (strings{"13"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(cells_are_typed_and_lists_ordered) {
    browse_query q;
    q.conditions = {{"g.name = ?", "g1"}};
    const auto rows = browse(db, source, q);
    BOOST_REQUIRE(rows.size() == 4u);
    BOOST_TEST(std::get<std::string>(rows[0].cells[0]) == "a");
    BOOST_TEST(std::get<std::int64_t>(rows[0].cells[1]) == 5);
    BOOST_TEST(std::get<bool>(rows[0].cells[2]) == true);
    BOOST_TEST(std::holds_alternative<std::monostate>(rows[1].cells[1])); // NULL n
    BOOST_TEST(std::get<bool>(rows[1].cells[2]) == false);
    BOOST_TEST(rows[0].lists.at(0) == (strings{"first", "second"}),
               boost::test_tools::per_element());
    BOOST_TEST(rows[1].lists.at(0).empty());
    BOOST_TEST(rows[2].lists.at(0) == (strings{"only"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_text_key_pages_in_text_order) {
    source.key_sql = "i.name";
    source.key_kind = browse_kind::text;
    source.lists.clear();
    browse_query q;
    q.limit = 3;
    BOOST_TEST(keys(q) == (strings{"a", "b", "c"}), boost::test_tools::per_element());
    q.after = "c";
    BOOST_TEST(keys(q) == (strings{"d", "e"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_scope_check_and_a_bad_integer_cursor) {
    BOOST_TEST(browse_scope_exists(db, source, {"g2"}));
    BOOST_TEST(!browse_scope_exists(db, source, {"g3"}));
    browse_source unscoped;
    BOOST_TEST(browse_scope_exists(db, unscoped, {}));
    browse_query q;
    q.after = "12x";
    BOOST_CHECK_THROW(browse(db, source, q), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
