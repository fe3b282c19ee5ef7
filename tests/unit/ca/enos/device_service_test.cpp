// ca::enos::device_service against a real store and engine: the device rules of apply (device
// found, product eligible, validity within the product's maximum, one live CN per device), list,
// revoke (bound to the device, once) and renew (reusing subject and key, not a revoked one).
#include "ca/enos/device_service.hpp"

#include "storage/enos/device_repository.hpp"
#include "storage/enos/tenant_repository.hpp"

#include "ca/enos/disabled_device.hpp"
#include "engine_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using ca::errc;

namespace {

struct service_fixture_device_service : test::engine_fixture {
    ca::enos::registry registry{*store, engine->secrets()};
    ca::enos::device_service service{*engine, registry};
    std::int64_t meter = 0;

    service_fixture_device_service() {
        write([&](storage::connection& db) {
            const auto org = storage::enos::upsert_org(db, "o1");
            const auto certified = storage::enos::upsert_product(db, org, "pk1", true, 30);
            const auto plain = storage::enos::upsert_product(db, org, "pk0", false, 30);
            meter = storage::enos::upsert_device(db, org, certified, "dk1", "meter");
            storage::enos::upsert_device(db, org, certified, "dk2", "pump");
            storage::enos::upsert_device(db, org, plain, "dk3", "lamp");
        });
    }

    static ca::enos::device_ref asset(const std::string& id, const std::string& org = "o1") {
        ca::enos::device_ref r;
        r.org_id = org;
        r.asset_id = id;
        return r;
    }

    ca::result<ca::issued_certificate> apply(const std::string& asset_id, const std::string& cn,
                                             std::int64_t days = 10) {
        ca::enos::device_apply_request req;
        req.device = asset(asset_id);
        req.csr = test::openssl_csr(dir.path(), cn + asset_id, "p256", "/CN=" + cn);
        req.valid_days = days;
        req.authority = ca::authority_kind::ecc;
        return test::wait_for<ca::result<ca::issued_certificate>>(
            [&](auto done) { service.apply(req, std::move(done)); });
    }

    ca::status revoke(const std::string& asset_id, std::int64_t sn) {
        ca::enos::device_revoke_request req;
        req.device = asset(asset_id);
        req.sn = sn;
        return test::wait_for<ca::status>([&](auto done) { service.revoke(req, std::move(done)); });
    }

    ca::result<ca::issued_certificate> renew(const std::string& asset_id, std::int64_t sn) {
        ca::enos::device_renew_request req;
        req.device = asset(asset_id);
        req.sn = sn;
        req.valid_days = 10;
        return test::wait_for<ca::result<ca::issued_certificate>>(
            [&](auto done) { service.renew(req, std::move(done)); });
    }
};

template <class R> errc code_of_device_service(const R& r) {
    BOOST_REQUIRE(!r.ok());
    return r.err().code;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(ca_enos_device_service, service_fixture_device_service)

BOOST_AUTO_TEST_CASE(a_device_is_found_by_asset_or_keys_within_its_org) {
    const auto found = service.find_device(asset("meter"));
    BOOST_TEST_REQUIRE(found.ok());
    BOOST_TEST(found->id == meter);
    BOOST_TEST(found->product_key == "pk1");
    BOOST_TEST(found->max_valid_day == 30);
    ca::enos::device_ref by_keys;
    by_keys.org_id = "o1";
    by_keys.product_key = "pk1";
    by_keys.device_key = "dk1";
    BOOST_TEST(service.find_device(by_keys)->id == meter);
    BOOST_TEST(
        (code_of_device_service(service.find_device(asset("nosuch"))) == errc::device_not_found));
    BOOST_TEST((code_of_device_service(service.find_device(asset("meter", "o2"))) ==
                errc::device_not_found));
}

BOOST_AUTO_TEST_CASE(apply_enforces_the_device_rules) {
    BOOST_TEST((code_of_device_service(apply("nosuch", "x")) == errc::device_not_found));
    BOOST_TEST((code_of_device_service(apply("lamp", "lamp")) == errc::device_not_eligible));
    BOOST_TEST((code_of_device_service(apply("meter", "m", 0)) == errc::validity_invalid));
    BOOST_TEST((code_of_device_service(apply("meter", "m", 31)) == errc::validity_exceeds_maximum));
    write([&](storage::connection& db) { test::insert_disabled_details(db, meter); });
    BOOST_TEST((code_of_device_service(apply("meter", "m")) == errc::device_disabled));
}

BOOST_AUTO_TEST_CASE(a_certificate_is_bound_to_its_device_and_its_cn_to_one_device) {
    const auto first = apply("meter", "meter-cn", 30);
    BOOST_TEST_REQUIRE(first.ok(), (first.ok() ? "" : first.err().detail));
    BOOST_TEST((first->not_after - first->not_before == std::chrono::hours(24 * 30)));
    const auto listed = service.list(asset("meter"));
    BOOST_TEST_REQUIRE(listed.ok());
    BOOST_TEST_REQUIRE(listed->size() == 1u);
    BOOST_TEST(listed->front().sn == first->sn);
    BOOST_TEST(service.list(asset("pump"))->empty());
    // The same CN live on another device is refused; on the same device it is not.
    BOOST_TEST((code_of_device_service(apply("pump", "meter-cn")) == errc::duplicate_subject));
    BOOST_TEST(apply("meter", "meter-cn").ok());
    BOOST_TEST((code_of_device_service(service.list(asset("nosuch"))) == errc::device_not_found));
}

BOOST_AUTO_TEST_CASE(revoke_only_the_devices_own_certificate_once) {
    const auto cert = apply("meter", "meter-cn");
    BOOST_TEST_REQUIRE(cert.ok());
    BOOST_TEST((code_of_device_service(revoke("pump", cert->sn)) == errc::certificate_not_bound));
    BOOST_TEST(
        (code_of_device_service(revoke("meter", cert->sn + 1000)) == errc::certificate_not_found));
    BOOST_TEST(revoke("meter", cert->sn).ok());
    BOOST_TEST((code_of_device_service(revoke("meter", cert->sn)) == errc::already_revoked));
    BOOST_TEST((service.list(asset("meter"))->front().status == ca::certificate_status::revoked));
    // Once revoked, the CN is free for another device.
    BOOST_TEST(apply("pump", "meter-cn").ok());
}

BOOST_AUTO_TEST_CASE(renew_reuses_subject_and_key_and_keeps_the_old_one) {
    const auto old = apply("meter", "meter-cn");
    BOOST_TEST_REQUIRE(old.ok());
    const auto renewed = renew("meter", old->sn);
    BOOST_TEST_REQUIRE(renewed.ok(), (renewed.ok() ? "" : renewed.err().detail));
    BOOST_TEST(renewed->sn != old->sn);
    BOOST_TEST((renewed->authority == ca::authority_kind::ecc));
    const auto listed = service.list(asset("meter"));
    BOOST_TEST_REQUIRE(listed->size() == 2u);
    BOOST_TEST((listed->at(0).status == ca::certificate_status::valid));
    BOOST_TEST(listed->at(0).subject_der == listed->at(1).subject_der,
               boost::test_tools::per_element());
    BOOST_TEST(listed->at(0).spki_sha256 == listed->at(1).spki_sha256,
               boost::test_tools::per_element());
    BOOST_TEST((code_of_device_service(renew("pump", old->sn)) == errc::certificate_not_bound));
    BOOST_TEST(revoke("meter", old->sn).ok());
    BOOST_TEST((code_of_device_service(renew("meter", old->sn)) == errc::certificate_revoked));
}

BOOST_AUTO_TEST_SUITE_END()
