// Tables api_users and issuance_profiles: lookups by name, emKey and id, and upserts that write
// (and report a change) only when a column differs.
#include "storage/emca/api_user_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::emca;

namespace {

api_user_row user_named(const std::string& name) {
    api_user_row u;
    u.user_name = name;
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$" + name;
    u.api_key = "emkey-" + name;
    u.aes_key_sealed = std::vector<std::uint8_t>(61, 0x5a);
    u.aes_mode = "CBC";
    u.allowed_ips = "127.0.0.1 ::1";
    u.signer_cert = {0x30, 0x03, 0x02, 0x01, 0x01};
    return u;
}

issuance_profile_row profile_named(const std::string& id) {
    issuance_profile_row p;
    p.profile_id = id;
    p.authority = "ECC";
    p.key_types = "EC-P256 RSA-2048";
    p.default_validity = 86400;
    p.max_validity = 86400 * 365;
    p.required_subject = "CN O";
    p.key_usage = "digitalSignature";
    p.extended_key_usage = "clientAuth 1.3.6.1.5.5.7.3.2";
    return p;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_emca_api_user_repository, test::migrated_db)

BOOST_AUTO_TEST_CASE(a_user_round_trips_and_is_found_three_ways) {
    const auto in = user_named("alice");
    bool changed = false;
    const auto id = upsert_api_user(db, in, &changed);
    BOOST_TEST(changed);
    const auto out = find_api_user(db, "alice");
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(out->id == id);
    BOOST_TEST(out->password_hash == in.password_hash);
    BOOST_TEST(out->api_key == in.api_key);
    BOOST_TEST(out->aes_key_sealed == in.aes_key_sealed, boost::test_tools::per_element());
    BOOST_TEST(out->aes_mode == "CBC");
    BOOST_TEST(out->allowed_ips == in.allowed_ips);
    BOOST_TEST(out->signer_cert == in.signer_cert, boost::test_tools::per_element());
    BOOST_TEST(find_api_user_by_key(db, "emkey-alice")->id == id);
    BOOST_TEST(find_api_user_by_id(db, id)->user_name == "alice");
    BOOST_TEST(!find_api_user(db, "bob").has_value());
    BOOST_TEST(!find_api_user_by_key(db, "emkey-bob").has_value());
    BOOST_TEST(!find_api_user_by_id(db, id + 1).has_value());
}

BOOST_AUTO_TEST_CASE(a_user_upsert_writes_only_a_difference) {
    bool changed = false;
    const auto id = upsert_api_user(db, user_named("alice"), &changed);
    BOOST_TEST(upsert_api_user(db, user_named("alice"), &changed) == id);
    BOOST_TEST(!changed);
    auto rotated = user_named("alice");
    rotated.aes_mode = "GCM";
    rotated.id = id + 7; // ignored: the name is the key
    BOOST_TEST(upsert_api_user(db, rotated, &changed) == id);
    BOOST_TEST(changed);
    BOOST_TEST(find_api_user(db, "alice")->aes_mode == "GCM");
    BOOST_TEST(count("api_users") == 1);
    // The emKey is unique across users.
    auto thief = user_named("mallory");
    thief.api_key = "emkey-alice";
    BOOST_CHECK_THROW(upsert_api_user(db, thief, &changed), storage::database_error);
}

BOOST_AUTO_TEST_CASE(a_profile_round_trips_and_upserts_only_a_difference) {
    bool changed = false;
    upsert_issuance_profile(db, profile_named("device"), &changed);
    BOOST_TEST(changed);
    upsert_issuance_profile(db, profile_named("device"), &changed);
    BOOST_TEST(!changed);
    auto manual = profile_named("device");
    manual.manual_authorization = true;
    upsert_issuance_profile(db, manual, &changed);
    BOOST_TEST(changed);
    const auto out = find_issuance_profile(db, "device");
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(out->authority == "ECC");
    BOOST_TEST(out->key_types == "EC-P256 RSA-2048");
    BOOST_TEST(out->default_validity == 86400);
    BOOST_TEST(out->max_validity == 86400 * 365);
    BOOST_TEST(out->required_subject == "CN O");
    BOOST_TEST(out->key_usage == "digitalSignature");
    BOOST_TEST(out->extended_key_usage == "clientAuth 1.3.6.1.5.5.7.3.2");
    BOOST_TEST(out->manual_authorization);
    BOOST_TEST(!find_issuance_profile(db, "server").has_value());
    // The schema refuses a non-positive validity.
    auto bad = profile_named("bad");
    bad.max_validity = 0;
    BOOST_CHECK_THROW(upsert_issuance_profile(db, bad, &changed), storage::database_error);
}

BOOST_AUTO_TEST_SUITE_END()
