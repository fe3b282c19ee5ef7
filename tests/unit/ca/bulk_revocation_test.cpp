// Bulk revocation against a real engine: filters compiled or refused with a reason, reasons by
// name or code, batches that revoke only what is still live (hooks and audit per certificate,
// the authority's counter), and a repeated run that finds nothing left.
#include "ca/bulk_revocation.hpp"

#include "ca/local_certificate.hpp"
#include "storage/bulk_filters.hpp"
#include "storage/certificate_status.hpp"
#include "storage/crl_state_repository.hpp"

#include "engine_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <stdexcept>

using namespace localca;

namespace {

struct bulk_fixture : test::engine_fixture {
    storage::bulk_filters filters;
    std::vector<std::int64_t> hooked;
    bulk_fixture() {
        storage::add_core_bulk_filters(filters);
        filters.add_hook([this](storage::connection&, std::int64_t sn) { hooked.push_back(sn); });
    }
    std::int64_t issue(bool ecdsa) {
        ca::local_certificate_request req;
        req.names = {"host.test"};
        req.ecdsa = ecdsa;
        auto r = ca::issue_local_certificate(*engine, req);
        BOOST_REQUIRE(r.ok());
        return r->certificate.sn;
    }
    bool revoked(std::int64_t sn) {
        return storage::find_certificate_state(store->reader(), sn)->revoked;
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ca_bulk_revocation, bulk_fixture)

BOOST_AUTO_TEST_CASE(filters_and_reasons) {
    BOOST_TEST(!ca::compile_filter(filters, {}).problem.empty());
    auto c = ca::compile_filter(filters, {{"authority", "ECC"}, {"nosuch", "1"}});
    BOOST_TEST(c.problem == "unknown filter key \"nosuch\"");
    BOOST_TEST(c.conditions.empty());
    c = ca::compile_filter(filters, {{"serialFrom", "abc"}});
    BOOST_TEST(c.problem == "invalid value \"abc\" for filter key \"serialFrom\"");
    c = ca::compile_filter(filters, {{"authority", "ECC"}, {"serialTo", "9"}});
    BOOST_TEST(c.problem.empty());
    BOOST_TEST(c.conditions.size() == 2u);

    BOOST_TEST((ca::parse_reason("keyCompromise") == 1));
    BOOST_TEST((ca::parse_reason("9") == 9));
    for (const char* bad : {"2", "removeFromCRL", "", "KeyCompromise", "10"}) {
        BOOST_TEST(!ca::parse_reason(bad).has_value(), bad);
    }
}

BOOST_AUTO_TEST_CASE(batches_revoke_what_is_live_once) {
    std::vector<std::int64_t> ecc, rsa;
    for (int i = 0; i < 5; ++i) {
        ecc.push_back(issue(true));
    }
    rsa.push_back(issue(false));
    // One of them revoked beforehand: skipped, not counted.
    BOOST_TEST_REQUIRE(engine->revoke_sync(ca::revoke_request{ecc[1], 0, {}, {}}).ok());
    const auto counter_before = storage::read_crl_state(store->reader(), "ECC").revocations;

    ca::bulk_revocation_request req;
    req.conditions = ca::compile_filter(filters, {{"authority", "ECC"}}).conditions;
    req.reason = 4;
    req.batch = 2;
    req.audit.actor = "cli";
    BOOST_TEST(ca::revoke_matching(*engine, filters, req) == 4);
    for (const auto sn : ecc) {
        BOOST_TEST(revoked(sn), sn);
    }
    BOOST_TEST(!revoked(rsa[0]));
    BOOST_TEST(hooked.size() == 4u);
    BOOST_TEST(storage::read_crl_state(store->reader(), "ECC").revocations == counter_before + 4);
    BOOST_TEST(audit_count("revoke") == 5);
    // Run again: nothing left to revoke.
    BOOST_TEST(ca::revoke_matching(*engine, filters, req) == 0);
}

BOOST_AUTO_TEST_CASE(refuses_to_revoke_everything_or_with_a_bad_reason) {
    ca::bulk_revocation_request req;
    BOOST_CHECK_THROW(ca::revoke_matching(*engine, filters, req), std::invalid_argument);
    req.conditions = ca::compile_filter(filters, {{"authority", "RSA"}}).conditions;
    req.reason = 2;
    BOOST_CHECK_THROW(ca::revoke_matching(*engine, filters, req), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
