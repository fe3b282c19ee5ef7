// Table admin_tokens: one token per name, found by digest only, listed by name, deleted.
#include "storage/admin/token_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::admin;

namespace {

token_row token(const std::string& name, const std::string& role, std::uint8_t fill) {
    return token_row{name, role, std::vector<std::uint8_t>(32, fill), 1'700'000'000 + fill};
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_admin_token_repository, test::migrated_db)

BOOST_AUTO_TEST_CASE(one_token_per_name_found_by_digest) {
    BOOST_TEST(insert_token(db, token("zed", "viewer", 1)));
    BOOST_TEST(insert_token(db, token("amy", "operator", 2)));
    BOOST_TEST(!insert_token(db, token("amy", "viewer", 3)));
    const auto found = find_token_by_digest(db, std::vector<std::uint8_t>(32, 2));
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(found->name == "amy");
    BOOST_TEST(found->role == "operator");
    BOOST_TEST(found->created_at == 1'700'000'002);
    BOOST_TEST(!find_token_by_digest(db, std::vector<std::uint8_t>(32, 3)).has_value());

    const auto all = list_tokens(db);
    BOOST_TEST_REQUIRE(all.size() == 2u);
    BOOST_TEST(all[0].name == "amy");
    BOOST_TEST(all[1].name == "zed");
    BOOST_TEST(all[0].token_sha256.empty()); // the digests are not read back
}

BOOST_AUTO_TEST_CASE(a_deleted_token_no_longer_authenticates) {
    insert_token(db, token("amy", "operator", 2));
    BOOST_TEST(delete_token(db, "amy"));
    BOOST_TEST(!delete_token(db, "amy"));
    BOOST_TEST(!find_token_by_digest(db, std::vector<std::uint8_t>(32, 2)).has_value());
    BOOST_TEST(list_tokens(db).empty());
}

BOOST_AUTO_TEST_SUITE_END()
