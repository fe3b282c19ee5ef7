// emCA's keys of bulk revocation: userName and profileId select the certificates issued for
// that user's or that profile's items; no revocation hook.
#include "storage/emca/bulk_filters.hpp"

#include "storage/emca/api_user_repository.hpp"
#include "storage/emca/issuance_request_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

namespace {

struct emca_fixture : test::bulk_filters_db {
    emca_fixture() {
        emca::add_bulk_filters(filters);
        issue(1, user("alice"), "device");
        issue(2, user("bob"), "device");
        issue(3, user("alice"), "server");
        add_certificate(4, std::nullopt, now - 1, now + 100); // not emCA's
    }
    std::int64_t user(const std::string& name) {
        if (const auto u = emca::find_api_user(db, name)) {
            return u->id;
        }
        // Designated: GCC 12 warns (-Wrestrict, bug 105651) on short literals assigned here.
        const emca::api_user_row u{.user_name = name,
                                   .password_hash = "h",
                                   .api_key = name,
                                   .aes_key_sealed = {1},
                                   .aes_mode = "ECB",
                                   .allowed_ips = "127.0.0.1",
                                   .signer_cert = {0x30, 0x00}};
        bool changed = false;
        return emca::upsert_api_user(db, u, &changed);
    }
    void issue(std::int64_t sn, std::int64_t owner, const std::string& profile) {
        const auto request = emca::insert_request(db, owner, "app-" + std::to_string(sn), now, "");
        emca::issuance_item_row item;
        item.request = request;
        item.user = owner;
        item.item_id = "1";
        item.profile_id = profile;
        item.validity = 60;
        const auto id = emca::insert_item(db, item);
        add_certificate(sn, std::nullopt, now - 1, now + 100);
        emca::mark_item_issued(db, id, sn, now);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_emca_bulk_filters, emca_fixture)

BOOST_AUTO_TEST_CASE(keys_select_the_issued_items_certificates) {
    BOOST_TEST(selected({{"userName", "alice"}}) == (serials{1, 3}),
               boost::test_tools::per_element());
    BOOST_TEST(selected({{"profileId", "device"}}) == (serials{1, 2}),
               boost::test_tools::per_element());
    BOOST_TEST(selected({{"userName", "bob"}, {"profileId", "server"}}).empty());
    BOOST_CHECK_THROW(selected({{"profileId", ""}}), std::invalid_argument);
    BOOST_TEST(filters.hooks().empty());
}

BOOST_AUTO_TEST_SUITE_END()
