// Foundry's keys of bulk revocation (accountId, deviceId over managed certificates) and its
// revocation hook: the certificate becomes INACTIVE, loses its device and its topics, and a
// certificate that is not Foundry's is left alone.
#include "storage/foundry/bulk_filters.hpp"

#include "storage/foundry/account_repository.hpp"
#include "storage/foundry/managed_certificate_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

namespace {

struct foundry_fixture : test::bulk_filters_db {
    std::int64_t a = foundry::upsert_account(db, "111111111111", std::nullopt);
    std::int64_t b = foundry::upsert_account(db, "222222222222", std::nullopt);
    std::int64_t device = foundry::upsert_account_device(db, a, "dev-1");
    foundry_fixture() {
        foundry::add_bulk_filters(filters);
        add_certificate(1, std::string("c1"), now - 1, now + 100);
        foundry::insert_managed_certificate(db, 1, a, "id1", true, {"t/#"});
        foundry::update_managed_certificate(db, 1, true, device, {"t/#"});
        add_certificate(2, std::string("c2"), now - 1, now + 100);
        foundry::insert_managed_certificate(db, 2, a, "id2", false, {});
        add_certificate(3, std::string("c3"), now - 1, now + 100);
        foundry::insert_managed_certificate(db, 3, b, "id3", true, {"u"});
        add_certificate(4, std::string("c4"), now - 1, now + 100); // not Foundry's
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_foundry_bulk_filters, foundry_fixture)

BOOST_AUTO_TEST_CASE(keys_select_the_accounts_managed_certificates) {
    BOOST_TEST(selected({{"accountId", "111111111111"}}) == (serials{1, 2}),
               boost::test_tools::per_element());
    BOOST_TEST(selected({{"deviceId", "dev-1"}}) == (serials{1}), boost::test_tools::per_element());
    BOOST_TEST(selected({{"accountId", "222222222222"}, {"deviceId", "dev-1"}}).empty());
    BOOST_CHECK_THROW(selected({{"accountId", ""}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(the_hook_deactivates_like_a_single_revocation) {
    BOOST_TEST_REQUIRE(filters.hooks().size() == 1u);
    filters.hooks()[0](db, 1);
    filters.hooks()[0](db, 4); // not a managed certificate: writes nothing, does not throw
    const auto row = foundry::find_managed_certificate(db, a, "id1");
    BOOST_TEST(!row->active);
    BOOST_TEST(!row->device.has_value());
    BOOST_TEST(row->topics.empty());
    BOOST_TEST(foundry::find_managed_certificate(db, b, "id3")->active);
    BOOST_TEST(count("managed_certificate_topics") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
