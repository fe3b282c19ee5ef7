// Tables issuance_requests and issuance_items: the stored response replayed per (user,
// application id), item round trips, the pending queue, and decisions taken once only.
#include "storage/emca/issuance_request_repository.hpp"

#include "storage/emca/api_user_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::emca;

namespace {

constexpr std::int64_t now_issuance_request_repository = 1'800'000'000;

std::int64_t add_user(storage::connection& db, const std::string& name) {
    api_user_row u;
    u.user_name = name;
    u.password_hash = "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
    u.api_key = "key-" + name;
    u.aes_key_sealed = std::vector<std::uint8_t>(60, 1);
    u.aes_mode = "GCM";
    u.allowed_ips = "127.0.0.1";
    u.signer_cert = {0x30, 0x00};
    bool changed = false;
    return upsert_api_user(db, u, &changed);
}

struct request_fixture : test::migrated_db {
    std::int64_t alice = add_user(db, "alice");
    std::int64_t bob = add_user(db, "bob");

    issuance_item_row item(std::int64_t request, const std::string& item_id) const {
        issuance_item_row r;
        r.request = request;
        r.user = alice;
        r.item_id = item_id;
        r.profile_id = "device";
        r.csr = {'-', '-', '-', '-', '-'};
        r.validity = 86400;
        return r;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_emca_issuance_request_repository, request_fixture)

BOOST_AUTO_TEST_CASE(a_response_is_replayed_per_user_and_application_id) {
    BOOST_TEST(!find_request_response(db, alice, "app-1").has_value());
    const auto id = insert_request(db, alice, "app-1", now_issuance_request_repository, "{}");
    set_request_response(db, id, R"({"status":"Success"})");
    BOOST_TEST(
        (find_request_response(db, alice, "app-1") == std::string(R"({"status":"Success"})")));
    // Another user's identical application id is another request.
    BOOST_TEST(!find_request_response(db, bob, "app-1").has_value());
    BOOST_CHECK_THROW(insert_request(db, alice, "app-1", now_issuance_request_repository, "{}"),
                      storage::database_error);
    BOOST_TEST(insert_request(db, bob, "app-1", now_issuance_request_repository, "{}") != id);
}

BOOST_AUTO_TEST_CASE(an_item_round_trips) {
    const auto request = insert_request(db, alice, "app-2", now_issuance_request_repository, "{}");
    auto in = item(request, "csr-1");
    in.not_before = now_issuance_request_repository + 3600;
    in.csr = {0x30, 0x82, 0x01, 0x00};
    const auto id = insert_item(db, in);
    const auto out = find_item(db, id);
    BOOST_TEST_REQUIRE(out.has_value());
    BOOST_TEST(out->id == id);
    BOOST_TEST(out->request == request);
    BOOST_TEST(out->user == alice);
    BOOST_TEST(out->item_id == "csr-1");
    BOOST_TEST(out->profile_id == "device");
    BOOST_TEST(out->csr == in.csr, boost::test_tools::per_element());
    BOOST_TEST((out->not_before == in.not_before));
    BOOST_TEST(out->validity == 86400);
    BOOST_TEST((out->status == item_status::pending));
    BOOST_TEST(!out->cert_sn.has_value());
    BOOST_TEST(!out->decided_at.has_value());
    // No not_before: "when issued".
    const auto later = find_item(db, insert_item(db, item(request, "csr-2")));
    BOOST_TEST(!later->not_before.has_value());
    BOOST_TEST(!find_item(db, id + 100).has_value());
}

BOOST_AUTO_TEST_CASE(pending_items_in_id_order_and_decided_once) {
    const auto request = insert_request(db, alice, "app-3", now_issuance_request_repository, "{}");
    const auto first = insert_item(db, item(request, "a"));
    const auto second = insert_item(db, item(request, "b"));
    const auto third = insert_item(db, item(request, "c"));
    auto pending = pending_items(db);
    BOOST_TEST_REQUIRE(pending.size() == 3u);
    BOOST_TEST(pending[0].id == first);
    BOOST_TEST(pending[2].id == third);

    add_certificate(42, std::string("dev"), now_issuance_request_repository,
                    now_issuance_request_repository + 1000);
    BOOST_TEST(mark_item_issued(db, first, 42, now_issuance_request_repository + 5));
    BOOST_TEST(mark_item_rejected(db, second, now_issuance_request_repository + 6));
    // A decision is final: neither a second issue nor a reject changes it.
    BOOST_TEST(!mark_item_issued(db, second, 42, now_issuance_request_repository + 7));
    BOOST_TEST(!mark_item_rejected(db, first, now_issuance_request_repository + 7));
    BOOST_TEST(!mark_item_rejected(db, third + 100, now_issuance_request_repository + 7));

    const auto issued = find_item(db, first);
    BOOST_TEST((issued->status == item_status::issued));
    BOOST_TEST((issued->cert_sn == std::int64_t{42}));
    BOOST_TEST((issued->decided_at == now_issuance_request_repository + 5));
    const auto rejected = find_item(db, second);
    BOOST_TEST((rejected->status == item_status::rejected));
    BOOST_TEST(!rejected->cert_sn.has_value());
    BOOST_TEST((rejected->decided_at == now_issuance_request_repository + 6));

    pending = pending_items(db);
    BOOST_TEST_REQUIRE(pending.size() == 1u);
    BOOST_TEST(pending[0].id == third);
}

BOOST_AUTO_TEST_CASE(an_item_is_found_by_its_certificate) {
    const auto request = insert_request(db, alice, "app-4", now_issuance_request_repository, "{}");
    const auto id = insert_item(db, item(request, "a"));
    add_certificate(43, std::string("dev"), now_issuance_request_repository,
                    now_issuance_request_repository + 1000);
    BOOST_TEST(!find_item_by_certificate(db, 43).has_value());
    mark_item_issued(db, id, 43, now_issuance_request_repository);
    const auto found = find_item_by_certificate(db, 43);
    BOOST_TEST_REQUIRE(found.has_value());
    BOOST_TEST(found->id == id);
    BOOST_TEST(found->user == alice);
    // One item per certificate (unique index).
    const auto other = insert_item(db, item(request, "b"));
    BOOST_CHECK_THROW(mark_item_issued(db, other, 43, now_issuance_request_repository),
                      storage::database_error);
}

BOOST_AUTO_TEST_SUITE_END()
