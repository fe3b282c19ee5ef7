// EnOS's keys of bulk revocation: orgId, productKey and deviceKey select the certificates bound
// to those devices, combined with AND; an empty value is refused.
#include "storage/enos/bulk_filters.hpp"

#include "storage/enos/tenant_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage;

namespace {

struct enos_fixture : test::bulk_filters_db {
    enos_fixture() {
        enos::add_bulk_filters(filters);
        const auto o1 = enos::upsert_org(db, "o1");
        const auto o2 = enos::upsert_org(db, "o2");
        const auto p1 = enos::upsert_product(db, o1, "pk1", true, 1);
        const auto p2 = enos::upsert_product(db, o1, "pk2", true, 1);
        const auto q1 = enos::upsert_product(db, o2, "pk1", true, 1);
        bind(1, enos::upsert_device(db, o1, p1, "dk1", "a1"));
        bind(2, enos::upsert_device(db, o1, p2, "dk2", "a2"));
        bind(3, enos::upsert_device(db, o2, q1, "dk1", "b1"));
        add_certificate(4, std::nullopt, now - 1, now + 100); // bound to no device
    }
    void bind(std::int64_t sn, std::int64_t device) {
        auto row = add_certificate(sn, std::nullopt, now - 1, now + 100);
        db.exec_script("UPDATE certificates SET device = " + std::to_string(device) +
                       " WHERE sn = " + std::to_string(row.sn));
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(storage_enos_bulk_filters, enos_fixture)

BOOST_AUTO_TEST_CASE(keys_select_bound_certificates_and_combine) {
    BOOST_TEST(selected({{"orgId", "o1"}}) == (serials{1, 2}), boost::test_tools::per_element());
    BOOST_TEST(selected({{"productKey", "pk1"}}) == (serials{1, 3}),
               boost::test_tools::per_element());
    BOOST_TEST(selected({{"orgId", "o2"}, {"deviceKey", "dk1"}}) == (serials{3}),
               boost::test_tools::per_element());
    BOOST_TEST(selected({{"orgId", "nosuch"}}).empty());
    BOOST_CHECK_THROW(selected({{"deviceKey", ""}}), std::invalid_argument);
    BOOST_TEST(filters.hooks().empty());
}

BOOST_AUTO_TEST_SUITE_END()
