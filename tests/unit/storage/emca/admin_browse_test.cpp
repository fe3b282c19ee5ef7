// emCA's browse lists over the real schema: users with their request, pending and certificate
// counts (never a credential), and the profiles keyed by their text id.
#include "storage/emca/admin_browse.hpp"

#include "storage/emca/api_user_repository.hpp"
#include "storage/emca/issuance_request_repository.hpp"

#include "browse_support.hpp"
#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace localca;
using namespace localca::storage::emca;

namespace {

std::int64_t add_browse_user(storage::connection& db, const std::string& name) {
    api_user_row u;
    u.user_name = name;
    u.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    u.api_key = "key-" + name;
    u.aes_key_sealed = std::vector<std::uint8_t>(60, 1);
    u.aes_mode = "CBC";
    u.allowed_ips = "127.0.0.1 10.0.0.1";
    u.signer_cert = {0x30, 0x00};
    bool changed = false; // the repository always reports it
    return upsert_api_user(db, u, &changed);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_emca_admin_browse, test::migrated_db)

BOOST_AUTO_TEST_CASE(users_with_counts_and_no_credentials) {
    const auto sources = admin_browse();
    const auto alice = add_browse_user(db, "alice");
    add_browse_user(db, "bob");
    const auto request = insert_request(db, alice, "app-1", 0, "{}");
    add_certificate(3, std::string("issued"), 0, 100);
    for (const char* id : {"A", "B"}) {
        issuance_item_row r;
        r.request = request;
        r.user = alice;
        r.item_id = id;
        r.profile_id = "9";
        r.csr = {'-'};
        r.validity = 86400;
        const auto item = insert_item(db, r);
        if (std::string(id) == "B") {
            BOOST_TEST(mark_item_issued(db, item, 3, 10));
        }
    }

    const auto users = test::browse_items(db, sources, "emca/users");
    BOOST_REQUIRE(users.size() == 2u);
    BOOST_TEST(users[0].at("userName") == "alice");
    BOOST_TEST(users[0].at("aesMode") == "CBC");
    BOOST_TEST(users[0].at("allowedIps") == "127.0.0.1 10.0.0.1");
    BOOST_TEST(users[0].at("requests") == "1");
    BOOST_TEST(users[0].at("pending") == "1");
    BOOST_TEST(users[0].at("certificates") == "1");
    BOOST_TEST(users[1].at("requests") == "0");
    const std::set<std::string> fields = {"userName", "aesMode", "allowedIps",
                                          "requests", "pending", "certificates"};
    std::set<std::string> got;
    for (const auto& [k, v] : users[0]) {
        got.insert(k);
    }
    BOOST_TEST(got == fields, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(profiles_page_by_their_text_id) {
    const auto sources = admin_browse();
    for (const char* id : {"9", "3", "4"}) {
        issuance_profile_row p;
        p.profile_id = id;
        p.authority = std::string(id) == "4" ? "ECC" : "RSA";
        p.key_types = "RSA-2048";
        p.default_validity = 86400;
        p.max_validity = 2 * 86400;
        p.required_subject = "CN";
        p.key_usage = "digitalSignature";
        p.extended_key_usage = "clientAuth serverAuth";
        p.manual_authorization = std::string(id) == "9";
        bool changed = false;
        upsert_issuance_profile(db, p, &changed);
    }
    const auto profiles = test::browse_items(db, sources, "emca/profiles");
    BOOST_REQUIRE(profiles.size() == 3u);
    BOOST_TEST(profiles[0].at("profileId") == "3");
    BOOST_TEST(profiles[1].at("authority") == "ECC");
    BOOST_TEST(profiles[2].at("manualAuthorization") == "true");
    BOOST_TEST(profiles[2].at("defaultValiditySeconds") == "86400");
    BOOST_TEST(profiles[2].at("extendedKeyUsage") == "clientAuth serverAuth");

    storage::admin::browse_query q;
    q.after = "3";
    q.limit = 1;
    const auto page = storage::admin::browse(db, sources.at(1), q);
    BOOST_REQUIRE(page.size() == 1u);
    BOOST_TEST(page[0].key == "4");
}

BOOST_AUTO_TEST_SUITE_END()
