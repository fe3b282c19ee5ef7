// ca::enos::device_management against a real store and engine: create/get/update, the sealed
// secret, enable/disable refusing certificates, delete revoking live certificates in the
// deleting transaction, search filters and the expression parser.
#include "ca/csr.hpp"
#include "ca/enos/device_management.hpp"
#include "ca/enos/device_query.hpp"
#include "ca/enos/device_service.hpp"
#include "engine_fixture.hpp"
#include "storage/enos/tenant_repository.hpp"

#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <future>

namespace {

using namespace localca;

struct device_fixture : test::engine_fixture {
    std::unique_ptr<ca::enos::registry> registry;
    std::unique_ptr<ca::enos::device_management> devices;

    device_fixture() {
        registry = std::make_unique<ca::enos::registry>(*store, engine->secrets());
        devices = std::make_unique<ca::enos::device_management>(*engine, *registry);
        write([](storage::connection& db) {
            const auto o1 = storage::enos::upsert_org(db, "o1");
            storage::enos::upsert_product(db, o1, "pk1", true, 3650);
            const auto o2 = storage::enos::upsert_org(db, "o2");
            storage::enos::upsert_product(db, o2, "pk2", true, 3650);
        });
    }
    ~device_fixture() {
        devices.reset();
        registry.reset();
    }

    ca::enos::device_created create(const std::string& name, std::optional<std::string> key = {}) {
        ca::enos::device_create_request req;
        req.org_id = "o1";
        req.product_key = "pk1";
        req.device_key = std::move(key);
        req.name.default_value = name;
        req.timezone = "+08:00";
        auto r = devices->create(req);
        BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().detail));
        return r.value();
    }

    // A certificate for the device, from an openssl-made CSR.
    ca::result<ca::issued_certificate> apply(const std::string& asset, const std::string& cn) {
        ca::enos::device_service svc(*engine, *registry);
        ca::enos::device_apply_request req;
        req.device.org_id = "o1";
        req.device.asset_id = asset;
        req.csr = test::openssl_csr(dir.path(), cn, "p256", "/CN=" + cn);
        req.authority = ca::authority_kind::ecc;
        std::promise<ca::result<ca::issued_certificate>> p;
        auto f = p.get_future();
        svc.apply(req, [&p](ca::result<ca::issued_certificate> r) { p.set_value(std::move(r)); });
        return f.get();
    }
};

ca::enos::device_ref by_asset(const std::string& asset) {
    ca::enos::device_ref ref;
    ref.org_id = "o1";
    ref.asset_id = asset;
    return ref;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(enos_device_management, device_fixture)

BOOST_AUTO_TEST_CASE(create_generates_ids_and_a_sealed_secret) {
    const auto d = create("pump", std::string("dk-1"));
    BOOST_TEST(d.device_key == "dk-1");
    BOOST_TEST(d.asset_id.size() == 8u);
    BOOST_TEST(d.device_secret.size() == 20u);
    const auto generated = create("other");
    BOOST_TEST(generated.device_key.size() == 10u);
    BOOST_TEST(generated.asset_id != d.asset_id);
    // Stored sealed: the clear secret is nowhere in the row.
    storage::statement_handle q(store->reader(), "SELECT secret_sealed FROM enos_devices");
    while (q->step()) {
        const auto bytes = q->get_blob(0);
        const std::string blob(bytes.begin(), bytes.end());
        BOOST_TEST(blob.find(d.device_secret) == std::string::npos);
    }
    const auto got = devices->get(by_asset(d.asset_id));
    BOOST_REQUIRE(got.ok());
    BOOST_TEST(got->device_secret == d.device_secret);
    BOOST_TEST(got->name.default_value == "pump");
    BOOST_TEST(audit_count("device-create") == 2);
}

BOOST_AUTO_TEST_CASE(taken_key_and_foreign_product_are_refused) {
    create("pump", std::string("dk-1"));
    ca::enos::device_create_request req;
    req.org_id = "o1";
    req.product_key = "pk1";
    req.device_key = "dk-1";
    req.name.default_value = "again";
    req.timezone = "+08:00";
    auto r = devices->create(req);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(ca::to_string(r.err().code) == std::string("device_exists"));
    req.product_key = "pk2"; // o2's product
    r = devices->create(req);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(ca::to_string(r.err().code) == std::string("product_not_found"));
    BOOST_TEST(audit_count("device-create") == 1);
}

BOOST_AUTO_TEST_CASE(update_patches_and_merges) {
    ca::enos::device_create_request req;
    req.org_id = "o1";
    req.product_key = "pk1";
    req.name.default_value = "pump";
    req.timezone = "+08:00";
    req.attributes["a"] = 1;
    req.tags["t"] = "x";
    const auto d = devices->create(req).value();
    ca::enos::device_update_request up;
    up.device = by_asset(d.asset_id);
    up.attributes = boost::json::object{{"b", 2}};
    up.tags = std::map<std::string, std::string>{{"t", "y"}};
    BOOST_REQUIRE(devices->update(up).ok());
    const auto got = devices->get(by_asset(d.asset_id)).value();
    BOOST_TEST(boost::json::serialize(got.attributes) == R"({"a":1,"b":2})");
    BOOST_TEST(got.tags.at("t") == "y");
    BOOST_TEST(got.timezone == "+08:00");
    BOOST_TEST(got.name.default_value == "pump");
}

BOOST_AUTO_TEST_CASE(disabled_device_gets_no_certificate) {
    const auto d = create("pump");
    BOOST_REQUIRE(apply(d.asset_id, "pump-1").ok());
    BOOST_REQUIRE(devices->set_enabled(by_asset(d.asset_id), false, {}).ok());
    const auto twice = devices->set_enabled(by_asset(d.asset_id), false, {});
    BOOST_REQUIRE(!twice.ok());
    BOOST_TEST(ca::to_string(twice.err().code) == std::string("device_disabled"));
    const auto refused = apply(d.asset_id, "pump-2");
    BOOST_REQUIRE(!refused.ok());
    BOOST_TEST(ca::to_string(refused.err().code) == std::string("device_disabled"));
    BOOST_REQUIRE(devices->set_enabled(by_asset(d.asset_id), true, {}).ok());
    BOOST_TEST(apply(d.asset_id, "pump-3").ok());
    BOOST_TEST(audit_count("device-disable") == 1);
    BOOST_TEST(audit_count("device-enable") == 1);
}

BOOST_AUTO_TEST_CASE(delete_revokes_live_certificates_with_the_device) {
    const auto d = create("pump");
    const auto a = apply(d.asset_id, "del-1");
    const auto b = apply(d.asset_id, "del-2");
    BOOST_REQUIRE(a.ok() && b.ok());
    const auto removed = devices->remove(by_asset(d.asset_id), {});
    BOOST_REQUIRE(removed.ok());
    BOOST_TEST(removed.value() == (std::vector<std::int64_t>{a->sn, b->sn}));
    for (const auto sn : {a->sn, b->sn}) {
        const auto row = engine->find_certificate(sn);
        BOOST_REQUIRE(row.has_value());
        BOOST_TEST(static_cast<int>(row->status) ==
                   static_cast<int>(storage::certificate_status::revoked));
        BOOST_TEST(row->revocation_reason.value_or(-1) == 5);
        BOOST_TEST(!row->device.has_value());
    }
    BOOST_TEST(audit_count("device-delete") == 1);
    BOOST_TEST(audit_count("revoke") == 2);
    BOOST_TEST(!devices->get(by_asset(d.asset_id)).ok());
    const auto again = devices->remove(by_asset(d.asset_id), {});
    BOOST_REQUIRE(!again.ok());
    BOOST_TEST(ca::to_string(again.err().code) == std::string("device_not_found"));
    // The key can be used again.
    BOOST_TEST(devices->get(by_asset(create("pump2").asset_id)).ok());
}

BOOST_AUTO_TEST_CASE(search_filters_and_pages) {
    std::vector<std::string> assets;
    for (int i = 0; i < 5; ++i) {
        // Not "name-" + std::to_string(i): gcc 12 warns falsely (-Wrestrict, its bug 105329)
        // about that operator+ when inlined the way a unity build inlines it.
        const auto n = std::to_string(i);
        assets.push_back(
            create(std::string("name-").append(n), std::string("k").append(n)).asset_id);
    }
    devices->set_enabled(by_asset(assets[1]), false, {});
    const auto parse = [](const std::string& e) {
        auto p = ca::enos::parse_device_expression(e);
        BOOST_REQUIRE_MESSAGE(p.filter.has_value(), p.problem);
        return *p.filter;
    };
    auto page = devices->search("o1", parse(""), 2, 2).value();
    BOOST_TEST(page.total == 5);
    BOOST_REQUIRE(page.devices.size() == 2u);
    BOOST_TEST(page.devices[0].device_key == "k2");
    page = devices->search("o1", parse("deviceKey in ('k1', 'k3') and status = 'disable'"), 1, 10)
               .value();
    BOOST_REQUIRE(page.devices.size() == 1u);
    BOOST_TEST(page.devices[0].asset_id == assets[1]);
    page = devices->search("o1", parse("deviceName like 'NAME-4'"), 1, 10).value();
    BOOST_REQUIRE(page.devices.size() == 1u);
    BOOST_TEST(page.devices[0].device_key == "k4");
    BOOST_TEST(devices->search("o1", parse("status = 'online'"), 1, 10).value().total == 0);
    BOOST_TEST(devices->search("o2", parse(""), 1, 10).value().total == 0);
}

BOOST_AUTO_TEST_SUITE_END()
