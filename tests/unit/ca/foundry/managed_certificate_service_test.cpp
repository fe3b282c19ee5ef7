// Managed certificates over a real store and engine (file database in a temp dir): the id is the
// SHA-256 of the DER as openssl computes it, the certificate profile, every state transition and
// refusal, account isolation, the broker grants, and the key pool.
#include "ca/csr.hpp"
#include "foundry_fixture.hpp"
#include "server/foundry/codec.hpp"
#include "storage/certificate_repository.hpp"
#include "storage/enos/tenant_repository.hpp"

#include <botan/x509cert.h>

#include "storage/connection.hpp"

#include <set>

using namespace localca;
using localca::test::must_run;

namespace {

struct fixture_managed_certificate_service : test::foundry_fixture {
    explicit fixture_managed_certificate_service(
        std::shared_ptr<const ca::clock> clk = ca::real_time())
        : foundry_fixture(std::move(clk)) {}
    ca::foundry::managed_certificate find(std::int64_t account, const std::string& id) {
        auto r = service->find(account, id);
        BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().detail));
        return r.value();
    }
};

// On a settable clock starting 2030-01-01, for the expiry decisions.
struct clocked_fixture : fixture_managed_certificate_service {
    clocked_fixture()
        : clocked_fixture(std::make_shared<ca::settable_clock>(
              ca::clock::time_point(std::chrono::seconds(1'893'456'000)))) {}
    explicit clocked_fixture(std::shared_ptr<ca::settable_clock> c)
        : fixture_managed_certificate_service(c), clk(std::move(c)) {}
    std::shared_ptr<ca::settable_clock> clk;
};

void expect_error(const ca::status& st, ca::errc code) {
    BOOST_REQUIRE(!st.ok());
    BOOST_TEST(ca::to_string(st.err().code) == ca::to_string(code));
}

} // namespace

BOOST_AUTO_TEST_SUITE(foundry_managed_certificates)

BOOST_FIXTURE_TEST_CASE(id_is_the_sha256_of_the_der_as_openssl_computes_it,
                        fixture_managed_certificate_service) {
    const auto c = create(acct.a);
    const auto pem = write("c.pem", c.certificate.pem);
    const auto out = must_run("openssl x509 -in " + pem + " -outform DER | sha256sum");
    BOOST_TEST(out.substr(0, 64) == c.certificate.id);
    BOOST_TEST(server::foundry::is_certificate_id(c.certificate.id));
    BOOST_TEST(server::foundry::certificate_arn("us-west-2", "111111111111", c.certificate.id) ==
               "arn:aws:iot:us-west-2:111111111111:cert/" + c.certificate.id);
    // Also the fingerprint openssl prints, without colons and lowercase.
    auto fp = must_run("openssl x509 -in " + pem + " -noout -fingerprint -sha256");
    std::string hex;
    for (char ch : fp.substr(fp.find('=') + 1)) {
        if (std::isxdigit(static_cast<unsigned char>(ch))) {
            hex += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        }
    }
    BOOST_TEST(hex == c.certificate.id);
}

BOOST_FIXTURE_TEST_CASE(certificate_profile_and_key, fixture_managed_certificate_service) {
    const auto c = create(acct.a);
    const auto pem = write("c.pem", c.certificate.pem);
    const auto key = write("k.pem", c.private_key_pem);
    BOOST_TEST(c.private_key_pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0) == 0);
    must_run("openssl rsa -in " + key + " -check -noout");
    // The key matches the certificate.
    BOOST_TEST(must_run("openssl x509 -in " + pem + " -noout -modulus") ==
               must_run("openssl rsa -in " + key + " -noout -modulus"));
    const auto text = must_run("openssl x509 -in " + pem + " -noout -text");
    BOOST_TEST(text.find("Public-Key: (2048 bit)") != std::string::npos);
    BOOST_TEST(text.find("X509v3 Basic Constraints: critical\n                CA:FALSE") !=
                   std::string::npos,
               text);
    BOOST_TEST(text.find("X509v3 Key Usage: critical\n                Digital Signature\n") !=
                   std::string::npos,
               text);
    BOOST_TEST(text.find("Extended Key Usage") == std::string::npos);
    BOOST_TEST(text.find("X509v3 Subject Key Identifier") != std::string::npos);
    BOOST_TEST(text.find("X509v3 Authority Key Identifier") != std::string::npos);
    BOOST_TEST(text.find("URI:http://127.0.0.1:8080/enos/CA/crl/RSA") != std::string::npos);
    // Valid until the root's notAfter; subject CN a fresh UUID v4.
    const Botan::X509_Certificate cert(
        std::vector<std::uint8_t>(c.certificate.pem.begin(), c.certificate.pem.end()));
    BOOST_TEST(cert.not_after().to_string() ==
               engine->get(ca::authority_kind::rsa).cert().not_after().to_string());
    const auto cn = cert.subject_dn().get_first_attribute("CN");
    BOOST_TEST(cn.size() == 36u);
    BOOST_TEST(cn[14] == '4');
    must_run("openssl verify -CAfile " + (dir / "ca" / "rsa.crt.pem").string() + " " + pem);
    // Another certificate: another key, another CN.
    const auto d = create(acct.a);
    BOOST_TEST(d.private_key_pem != c.private_key_pem);
    BOOST_TEST(d.certificate.id != c.certificate.id);
    const Botan::X509_Certificate cert2(
        std::vector<std::uint8_t>(d.certificate.pem.begin(), d.certificate.pem.end()));
    BOOST_TEST(cert2.subject_dn().get_first_attribute("CN") != cn);
}

BOOST_FIXTURE_TEST_CASE(aws_subject_is_a_utf8_string_cn, fixture_managed_certificate_service) {
    const auto c = create(acct.a, std::nullopt, std::string("AWS IoT Certificate"));
    const auto pem = write("c.pem", c.certificate.pem);
    const auto parsed =
        must_run("openssl x509 -in " + pem + " -noout -subject -nameopt RFC2253,show_type");
    BOOST_TEST(parsed.find("CN=UTF8STRING:AWS IoT Certificate") != std::string::npos, parsed);
}

BOOST_FIXTURE_TEST_CASE(the_private_key_is_never_stored, fixture_managed_certificate_service) {
    const auto c = create(acct.a, std::vector<std::string>{"a/#"});
    // Every file of the data dir: the database, its WAL, the CA files.
    std::string bytes;
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
        if (f.is_regular_file()) {
            bytes += test::read_file(f.path());
        }
    }
    // A line of the key's Base64 body, and the DER of its private exponent region.
    const auto line = c.private_key_pem.substr(c.private_key_pem.find('\n') + 1 + 64 * 5, 64);
    BOOST_TEST(bytes.find(line) == std::string::npos);
    const auto key = write("k.pem", c.private_key_pem);
    const auto der = must_run("openssl rsa -in " + key +
                              " -outform DER 2>/dev/null | od -An -tx1 -v | tr -d ' \\n'");
    BOOST_REQUIRE(der.size() > 1000);
    std::string probe;
    for (std::size_t i = 600; i < 600 + 64; i += 2) {
        probe += static_cast<char>(std::stoi(der.substr(i, 2), nullptr, 16));
    }
    BOOST_TEST(bytes.find(probe) == std::string::npos);
    BOOST_TEST(bytes.find(c.certificate.id) != std::string::npos); // what is stored is findable
}

BOOST_FIXTURE_TEST_CASE(inactive_then_provisioned_then_revoked,
                        fixture_managed_certificate_service) {
    const auto c = create(acct.a);
    const auto& id = c.certificate.id;
    BOOST_TEST((c.certificate.status == ca::foundry::managed_status::inactive));
    auto f = find(acct.a, id);
    BOOST_TEST(std::string(ca::foundry::to_string(f.status)) == "INACTIVE");
    BOOST_TEST(!f.device_id.has_value());
    BOOST_TEST(f.topics.empty());
    BOOST_TEST(service->active_grants().empty());

    BOOST_REQUIRE(service->provision(acct.a, id, "d1", {"dev/1/#", "test/+/x", "dev/1/#"}).ok());
    f = find(acct.a, id);
    BOOST_TEST(std::string(ca::foundry::to_string(f.status)) == "ACTIVE");
    BOOST_TEST(f.device_id.value_or("") == "d1");
    BOOST_TEST((f.topics == std::vector<std::string>{"dev/1/#", "test/+/x"}));
    auto grants = service->active_grants();
    BOOST_REQUIRE(grants.size() == 2u);
    BOOST_TEST(grants[0].filter == "dev/1/#");
    BOOST_TEST(grants[1].filter == "test/+/x");

    // Provisioning again to the same device replaces the policy.
    BOOST_REQUIRE(service->provision(acct.a, id, "d1", {"other/#"}).ok());
    f = find(acct.a, id);
    BOOST_TEST((f.topics == std::vector<std::string>{"other/#"}));
    // To another device: refused, nothing changes.
    expect_error(service->provision(acct.a, id, "d2", {"x"}),
                 ca::errc::certificate_bound_elsewhere);
    BOOST_TEST(find(acct.a, id).device_id.value_or("") == "d1");
    // Revoking through the wrong device: refused, nothing revoked.
    expect_error(service->revoke(acct.a, id, "d2", 5), ca::errc::certificate_not_bound);
    expect_error(service->revoke(acct.a, id, "nope", 5), ca::errc::device_not_found);
    BOOST_TEST(std::string(ca::foundry::to_string(find(acct.a, id).status)) == "ACTIVE");

    BOOST_REQUIRE(service->revoke(acct.a, id, "d1", 5).ok());
    f = find(acct.a, id);
    BOOST_TEST(std::string(ca::foundry::to_string(f.status)) == "REVOKED");
    BOOST_TEST(!f.device_id.has_value());
    BOOST_TEST(f.topics.empty());
    BOOST_TEST(service->active_grants().empty());
    // The row lost its association and policy, not only its view.
    storage::statement_handle q(store->reader(), "SELECT active, device, (SELECT count(*) FROM "
                                                 "managed_certificate_topics WHERE sn = m.sn) FROM "
                                                 "managed_certificates m WHERE cert_id = ?");
    q->bind(1, id);
    BOOST_REQUIRE(q->step());
    BOOST_TEST(q->get_int64(0) == 0);
    BOOST_TEST(q->is_null(1));
    BOOST_TEST(q->get_int64(2) == 0);
    // In the CRL once, with cessationOfOperation.
    const auto row = storage::find_certificate(store->reader(), f.sn);
    BOOST_TEST(row->revocation_reason.value_or(-1) == 5);

    // REVOKED is terminal.
    expect_error(service->revoke(acct.a, id, "d1", 5), ca::errc::already_revoked);
    expect_error(service->provision(acct.a, id, "d1", {"x"}), ca::errc::certificate_revoked);
    BOOST_TEST(std::string(ca::foundry::to_string(find(acct.a, id).status)) == "REVOKED");
    const auto revoked = storage::revoked_of_authority(store->reader(), "RSA");
    BOOST_TEST(revoked.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(created_with_topics_is_active_without_device,
                        fixture_managed_certificate_service) {
    const auto c = create(acct.a, std::vector<std::string>{"1/2/3", "test/+/+/1"});
    BOOST_TEST((c.certificate.status == ca::foundry::managed_status::active));
    const auto f = find(acct.a, c.certificate.id);
    BOOST_TEST(std::string(ca::foundry::to_string(f.status)) == "ACTIVE");
    BOOST_TEST(!f.device_id.has_value());
    BOOST_TEST((f.topics == std::vector<std::string>{"1/2/3", "test/+/+/1"}));
    // Not associated with any device: revoke needs the association.
    expect_error(service->revoke(acct.a, c.certificate.id, "d1", 5),
                 ca::errc::certificate_not_bound);
    // Provision associates it.
    BOOST_REQUIRE(service->provision(acct.a, c.certificate.id, "d2", {"d2/#"}).ok());
    BOOST_REQUIRE(service->revoke(acct.a, c.certificate.id, "d2", 5).ok());
}

BOOST_FIXTURE_TEST_CASE(bad_policies_write_nothing, fixture_managed_certificate_service) {
    ca::foundry::managed_create_request req;
    req.account = acct.a;
    req.topics = std::vector<std::string>{"ok", "a/#/b"};
    req.profile = server::foundry::device_certificate_profile();
    const auto r = service->create(std::move(req));
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(ca::to_string(r.err().code) == std::string("invalid_topic_filter"));
    BOOST_TEST(storage::max_certificate_sn(store->reader()) == 0);

    const auto c = create(acct.a);
    expect_error(service->provision(acct.a, c.certificate.id, "d1", {}),
                 ca::errc::invalid_topic_filter);
    expect_error(service->provision(acct.a, c.certificate.id, "d1", {"a+"}),
                 ca::errc::invalid_topic_filter);
    BOOST_TEST(std::string(ca::foundry::to_string(find(acct.a, c.certificate.id).status)) ==
               "INACTIVE");
}

BOOST_FIXTURE_TEST_CASE(accounts_are_isolated, fixture_managed_certificate_service) {
    const auto a = create(acct.a);
    const auto b = create(acct.b);
    // Another account's certificate does not exist for you.
    BOOST_TEST(ca::to_string(service->find(acct.b, a.certificate.id).err().code) ==
               std::string("certificate_not_found"));
    expect_error(service->provision(acct.b, a.certificate.id, "d1", {"x"}),
                 ca::errc::certificate_not_found);
    expect_error(service->revoke(acct.b, a.certificate.id, "d1", 5),
                 ca::errc::certificate_not_found);
    // Device names are per account: b's "d1" is not a's "d1", a's "d2" does not exist for b.
    expect_error(service->provision(acct.b, b.certificate.id, "d2", {"x"}),
                 ca::errc::device_not_found);
    BOOST_REQUIRE(service->provision(acct.a, a.certificate.id, "d1", {"a/#"}).ok());
    BOOST_REQUIRE(service->provision(acct.b, b.certificate.id, "d1", {"b/#"}).ok());
    expect_error(service->revoke(acct.b, a.certificate.id, "d1", 5),
                 ca::errc::certificate_not_found);
    BOOST_TEST(std::string(ca::foundry::to_string(find(acct.a, a.certificate.id).status)) ==
               "ACTIVE");
    BOOST_TEST(service->active_grants().size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(revocation_through_another_api_shows_as_revoked,
                        fixture_managed_certificate_service) {
    const auto c = create(acct.a, std::vector<std::string>{"a/#"});
    BOOST_REQUIRE(service->provision(acct.a, c.certificate.id, "d1", {"a/#"}).ok());
    ca::revoke_request r;
    r.sn = c.certificate.sn;
    r.reason = 1;
    BOOST_REQUIRE(engine->revoke_sync(r).ok());
    const auto f = find(acct.a, c.certificate.id);
    BOOST_TEST(std::string(ca::foundry::to_string(f.status)) == "REVOKED");
    BOOST_TEST(!f.device_id.has_value());
    BOOST_TEST(f.topics.empty());
    BOOST_TEST(service->active_grants().empty());
    expect_error(service->provision(acct.a, c.certificate.id, "d1", {"a/#"}),
                 ca::errc::certificate_revoked);
    expect_error(service->revoke(acct.a, c.certificate.id, "d1", 5), ca::errc::already_revoked);
}

BOOST_FIXTURE_TEST_CASE(concurrent_provisions_to_two_devices_one_wins,
                        fixture_managed_certificate_service) {
    const auto c = create(acct.a);
    ca::status s1 = ca::success(), s2 = ca::success();
    std::thread t1([&] { s1 = service->provision(acct.a, c.certificate.id, "d1", {"x"}); });
    std::thread t2([&] { s2 = service->provision(acct.a, c.certificate.id, "d2", {"y"}); });
    t1.join();
    t2.join();
    BOOST_TEST(s1.ok() != s2.ok());
    const auto& loser = s1.ok() ? s2 : s1;
    BOOST_TEST(ca::to_string(loser.err().code) == std::string("certificate_bound_elsewhere"));
}

BOOST_FIXTURE_TEST_CASE(tokens_find_their_account, fixture_managed_certificate_service) {
    ca::foundry::account_registry accounts(*store);
    BOOST_TEST(accounts.any_account());
    const auto a = accounts.find_by_token("token-a");
    BOOST_REQUIRE(a.has_value());
    BOOST_TEST(a->account_id == "111111111111");
    BOOST_TEST(!a->region.has_value());
    const auto b = accounts.find_by_token("token-b");
    BOOST_REQUIRE(b.has_value());
    BOOST_TEST(b->region.value_or("") == "eu-west-1");
    BOOST_TEST(!accounts.find_by_token("token-c").has_value());
    BOOST_TEST(!accounts.find_by_token("").has_value());
    BOOST_TEST(accounts.has_device(a->id, "d2"));
    BOOST_TEST(!accounts.has_device(b->id, "d2"));
    // Only the digest is stored.
    const auto raw = test::read_file(dir / "localca.db") + test::read_file(dir / "localca.db-wal");
    BOOST_TEST(raw.find("token-a") == std::string::npos);
}

BOOST_FIXTURE_TEST_CASE(device_apis_cannot_reuse_a_managed_certificates_cn,
                        fixture_managed_certificate_service) {
    // The broker's ACL names CNs: an EnOS-style issuance (unique subject, bound to a device) with
    // the CN of a live managed certificate must be refused, or it would inherit its topics.
    const auto c = create(acct.a, std::vector<std::string>{"a/#"});
    const Botan::X509_Certificate cert(
        std::vector<std::uint8_t>(c.certificate.pem.begin(), c.certificate.pem.end()));
    const auto cn = cert.subject_dn().get_first_attribute("CN");
    std::int64_t device = 0;
    store->writer().run([&](storage::connection& db) {
        const auto org = storage::enos::upsert_org(db, "org");
        const auto product = storage::enos::upsert_product(db, org, "product", true, 3650);
        device = storage::enos::upsert_device(db, org, product, "dk", "asset");
    });
    auto sk = ca::check_csr(test::openssl_csr(dir.path(), "dup", "rsa2048", "/CN=" + cn),
                            ca::authority_kind::rsa);
    BOOST_REQUIRE(sk.ok());
    ca::issue_request req;
    req.subject = sk.value();
    req.device = device;
    req.unique_subject = true;
    const auto r = engine->issue_sync(req);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST(ca::to_string(r.err().code) == std::string("duplicate_subject"));
}

BOOST_AUTO_TEST_CASE(key_pool_fills_in_the_background_and_never_repeats) {
    ca::foundry::key_pool pool(3);
    BOOST_TEST(pool.ready() == 0u); // not started: no CPU spent
    pool.start();
    pool.start();
    for (int i = 0; i < 600 && pool.ready() < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    BOOST_TEST(pool.ready() == 3u);
    std::set<std::string> moduli;
    for (int i = 0; i < 5; ++i) { // more than the pool holds: the rest are made inline
        const auto key = pool.take();
        BOOST_REQUIRE(key);
        BOOST_TEST(key->get_n().bits() == 2048u);
        BOOST_TEST(key->get_e() == 65537);
        moduli.insert(key->get_n().to_hex_string());
    }
    BOOST_TEST(moduli.size() == 5u);
}

BOOST_AUTO_TEST_CASE(key_pool_of_size_zero_makes_keys_on_demand) {
    ca::foundry::key_pool pool(0);
    pool.start();
    BOOST_TEST(pool.ready() == 0u);
    BOOST_TEST(pool.take()->get_n().bits() == 2048u);
    BOOST_TEST(pool.ready() == 0u);
}

BOOST_FIXTURE_TEST_CASE(expired_certificates_are_refused_and_lose_their_grants, clocked_fixture) {
    const auto c = create(acct.a);
    const auto other = create(acct.a);
    BOOST_REQUIRE(service->provision(acct.a, c.certificate.id, "d1", {"a/#"}).ok());
    BOOST_TEST(service->active_grants().size() == 1u);

    // The last second of its life (the root's end): still provisionable, still granted.
    clk->set(other.certificate.not_after - std::chrono::seconds(1));
    BOOST_TEST(service->active_grants().size() == 1u);
    BOOST_REQUIRE(c.certificate.not_after == other.certificate.not_after);

    // notAfter reached: the grant lapses and provisioning is refused.
    clk->set(other.certificate.not_after);
    BOOST_TEST(service->active_grants().empty());
    expect_error(service->provision(acct.a, other.certificate.id, "d2", {"b/#"}),
                 ca::errc::certificate_expired);
}

BOOST_AUTO_TEST_SUITE_END()
