// Foundry's browse lists over the real schema: accounts, an account's devices with their
// certificates counted, and the managed certificates with their topic policies in order.
#include "storage/foundry/admin_browse.hpp"

#include "storage/foundry/account_repository.hpp"
#include "storage/foundry/managed_certificate_repository.hpp"

#include "browse_support.hpp"
#include "storage_fixture.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::storage::foundry;

BOOST_FIXTURE_TEST_SUITE(storage_foundry_admin_browse, test::migrated_db)

BOOST_AUTO_TEST_CASE(accounts_devices_certificates_and_topics) {
    const auto sources = storage::foundry::admin_browse();
    const auto a = upsert_account(db, "441898714953", std::nullopt);
    const auto b = upsert_account(db, "123456789012", std::string("eu-west-1"));
    const auto dev1 = upsert_account_device(db, a, "dev-1");
    upsert_account_device(db, a, "dev-2");
    upsert_account_device(db, b, "dev-1");
    for (std::int64_t sn : {5, 6, 7}) {
        add_certificate(sn, "thing-" + std::to_string(sn), 0, 100);
    }
    insert_managed_certificate(db, 5, a, "c5", true, {"dt/+/x", "cmd/#"});
    insert_managed_certificate(db, 6, a, "c6", false, {"x"});
    insert_managed_certificate(db, 7, a, "c7", false, {});
    db.exec_script("UPDATE managed_certificates SET device = " + std::to_string(dev1) +
                   " WHERE sn IN (5, 6)");

    const auto accounts = test::browse_items(db, sources, "foundry/accounts");
    BOOST_REQUIRE(accounts.size() == 2u);
    BOOST_TEST(accounts[0].at("accountId") == "441898714953");
    BOOST_TEST(accounts[0].at("region") == "null");
    BOOST_TEST(accounts[0].at("devices") == "2");
    BOOST_TEST(accounts[0].at("certificates") == "3");
    BOOST_TEST(accounts[1].at("region") == "eu-west-1");
    BOOST_TEST(accounts[1].at("certificates") == "0");

    const auto devices =
        test::browse_items(db, sources, "foundry/accounts/{account}/devices", {"441898714953"});
    BOOST_REQUIRE(devices.size() == 2u);
    BOOST_TEST(devices[0].at("deviceId") == "dev-1");
    BOOST_TEST(devices[0].at("certificates") == "2");
    BOOST_TEST(devices[0].at("activeCertificates") == "1");
    BOOST_TEST(devices[1].at("certificates") == "0");

    const auto certs = test::browse_items(db, sources, "foundry/accounts/{account}/certificates",
                                          {"441898714953"});
    BOOST_REQUIRE(certs.size() == 3u);
    BOOST_TEST(certs[0].at("certSN") == "5");
    BOOST_TEST(certs[0].at("certificateId") == "c5");
    BOOST_TEST(certs[0].at("active") == "true");
    BOOST_TEST(certs[0].at("deviceId") == "dev-1");
    BOOST_TEST(certs[0].at("topics") == "dt/+/x cmd/#");
    BOOST_TEST(certs[2].at("deviceId") == "null");
    BOOST_TEST(certs[2].at("topics") == "");

    const auto of_dev1 = test::browse_items(db, sources, "foundry/accounts/{account}/certificates",
                                            {"441898714953"}, {{"device", "dev-1"}});
    BOOST_TEST(of_dev1.size() == 2u);
    // dev-1 of the other account holds none of them.
    BOOST_TEST(test::browse_items(db, sources, "foundry/accounts/{account}/certificates",
                                  {"123456789012"}, {{"device", "dev-1"}})
                   .empty());
}

BOOST_AUTO_TEST_SUITE_END()
