// ca::emca::issuance_service against a real store and engine: users found with their AES key
// opened and their password checked, profiles decoded, CMS signatures made by the openssl CLI
// verified, batches issued all or nothing and replayed per application id, and the officer
// queue (pending, approve, reject) with each user seeing only its own requests and certificates.
#include "ca/emca/issuance_service.hpp"

#include "ca/emca/aes_key_secret.hpp"
#include "ca/emca/password.hpp"
#include "ca/secret_box.hpp"
#include "storage/emca/api_user_repository.hpp"
#include "storage/sql_helpers.hpp"

#include "engine_fixture.hpp"

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace localca;
using ca::errc;
namespace emca = localca::ca::emca;

namespace {

const std::vector<std::uint8_t> k_aes_key(32, 0x21);

struct service_fixture : test::engine_fixture {
    emca::issuance_service service{*engine};
    std::vector<std::uint8_t> signer_der =
        test::openssl_self_signed(dir.path(), "signer", "/CN=signer");

    service_fixture() {
        add_user("alice", "pw-alice");
        add_user("bob", "pw-bob");
        add_profile("auto", false);
        add_profile("manual", true);
    }

    void add_user(const std::string& name, const std::string& password) {
        storage::emca::api_user_row u;
        u.user_name = name;
        u.password_hash = emca::hash_password(password);
        u.api_key = "key-" + name;
        u.aes_key_sealed = engine->secrets().seal(k_aes_key, emca::aes_key_context(name));
        u.aes_mode = "GCM";
        u.allowed_ips = "127.0.0.1 ::1";
        u.signer_cert = signer_der;
        write([&](storage::connection& db) {
            bool changed = false;
            storage::emca::upsert_api_user(db, u, &changed);
        });
    }

    void add_profile(const std::string& id, bool manual) {
        storage::emca::issuance_profile_row p;
        p.profile_id = id;
        p.authority = "ECC";
        p.key_types = "P-256";
        p.default_validity = 86400;
        p.max_validity = 30 * 86400;
        p.required_subject = "CN O";
        p.key_usage = "digitalSignature";
        p.extended_key_usage = "clientAuth";
        p.manual_authorization = manual;
        write([&](storage::connection& db) {
            bool changed = false;
            storage::emca::upsert_issuance_profile(db, p, &changed);
        });
    }

    emca::api_user user(const std::string& name) {
        auto u = service.find_user(name);
        BOOST_REQUIRE(u.has_value());
        return *u;
    }

    emca::batch_item item(const std::string& id, const std::string& subj) {
        return {id, test::openssl_csr(dir.path(), id, "p256", subj)};
    }

    // Runs create(); the outcome the encoder saw is kept in `outcome`.
    ca::result<std::string> create(const std::string& user_name, const std::string& app,
                                   const std::string& profile_id,
                                   std::vector<emca::batch_item> items,
                                   std::optional<std::chrono::seconds> validity = {}) {
        emca::batch_request req;
        req.user = user(user_name);
        req.application_id = app;
        req.profile_id = profile_id;
        req.validity = validity;
        req.items = std::move(items);
        const auto profile = service.find_profile(profile_id);
        BOOST_REQUIRE(profile.ok());
        return test::wait_for<ca::result<std::string>>([&](auto done) {
            service.create(
                req, profile.value(),
                [this](const emca::batch_outcome& o) {
                    outcome = o;
                    return "entries=" + std::to_string(o.entries.size()) +
                           (o.pending ? " pending" : " issued");
                },
                std::move(done));
        });
    }

    std::int64_t certificates() {
        return storage::sql::query_int64(store->reader(), "SELECT count(*) FROM certificates");
    }

    emca::batch_outcome outcome;
};

template <class R> errc code_of(const R& r) {
    BOOST_REQUIRE(!r.ok());
    return r.err().code;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(ca_emca_issuance_service, service_fixture)

BOOST_AUTO_TEST_CASE(users_are_found_with_their_key_and_checked_by_password) {
    const auto alice = user("alice");
    BOOST_TEST(alice.aes_key == k_aes_key, boost::test_tools::per_element());
    BOOST_TEST((alice.mode == emca::aes_mode::gcm));
    BOOST_TEST(alice.allowed_ips == (std::vector<std::string>{"127.0.0.1", "::1"}),
               boost::test_tools::per_element());
    BOOST_TEST(service.find_user_by_key("key-alice")->user_name == "alice");
    BOOST_TEST(!service.find_user("carol").has_value());
    BOOST_TEST(!service.find_user_by_key("key-carol").has_value());
    BOOST_TEST(service.check_password(alice, "pw-alice").ok());
    BOOST_TEST((code_of(service.check_password(alice, "pw-bob")) == errc::authentication_failed));
}

BOOST_AUTO_TEST_CASE(profiles_are_decoded) {
    const auto p = service.find_profile("manual");
    BOOST_TEST_REQUIRE(p.ok());
    BOOST_TEST((p->authority == ca::authority_kind::ecc));
    BOOST_TEST(p->key_types == (std::vector<std::string>{"P-256"}),
               boost::test_tools::per_element());
    BOOST_TEST((p->max_validity == std::chrono::hours(24 * 30)));
    BOOST_TEST(p->required_subject.size() == 2u);
    BOOST_TEST(p->manual_authorization);
    BOOST_TEST((code_of(service.find_profile("nosuch")) == errc::profile_not_found));
}

BOOST_AUTO_TEST_CASE(cms_signatures_of_the_registered_signer_only) {
    const auto data = dir / "data.json";
    std::ofstream(data) << R"({"applicationId":"a1"})";
    const auto sign = [&](const std::string& stem) {
        const auto out = (dir / (stem + ".p7")).string();
        test::must_run("openssl cms -sign -binary -nodetach -outform DER -in " + data.string() +
                       " -signer " + (dir / (stem + ".pem")).string() + " -inkey " +
                       (dir / (stem + ".key")).string() + " -out " + out);
        const auto bytes = test::read_file(out);
        return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
    };
    const auto content = service.verify_signed(user("alice"), sign("signer"));
    BOOST_TEST_REQUIRE(content.ok(), (content.ok() ? "" : content.err().detail));
    BOOST_TEST(std::string(content->begin(), content->end()) == R"({"applicationId":"a1"})");
    test::openssl_self_signed(dir.path(), "stranger", "/CN=signer");
    BOOST_TEST((code_of(service.verify_signed(user("alice"), sign("stranger"))) ==
                errc::signature_invalid));
    const std::vector<std::uint8_t> garbage{0x30, 0x03, 0x02, 0x01, 0x00};
    BOOST_TEST(
        (code_of(service.verify_signed(user("alice"), garbage)) == errc::signed_data_malformed));
}

BOOST_AUTO_TEST_CASE(a_batch_is_issued_all_or_nothing_and_replayed) {
    // The second CSR lacks the required O: nothing is issued.
    auto refused =
        create("alice", "app-1", "auto", {item("a", "/O=Acme/CN=dev-a"), item("b", "/CN=dev-b")});
    BOOST_TEST((code_of(refused) == errc::subject_attribute_missing));
    BOOST_TEST((code_of(create("alice", "app-1", "auto", {item("a", "/O=Acme/CN=dev-a")},
                               std::chrono::hours(24 * 31))) == errc::validity_exceeds_maximum));
    BOOST_TEST(certificates() == 0);

    const auto issued = create("alice", "app-1", "auto",
                               {item("a", "/O=Acme/CN=dev-a"), item("b", "/O=Acme/CN=dev-b")});
    BOOST_TEST_REQUIRE(issued.ok(), (issued.ok() ? "" : issued.err().detail));
    BOOST_TEST(issued.value() == "entries=2 issued");
    BOOST_TEST_REQUIRE(outcome.entries.size() == 2u);
    BOOST_TEST(outcome.entries[1].id == "b");
    BOOST_TEST(!outcome.entries[1].cert_der.empty());
    BOOST_TEST(certificates() == 2);
    BOOST_TEST((service.stored_response(user("alice"), "app-1") == issued.value()));
    BOOST_TEST(!service.stored_response(user("bob"), "app-1").has_value());

    // The same application id again: the stored answer, nothing new kept.
    const auto replay = create("alice", "app-1", "auto", {item("c", "/O=Acme/CN=dev-c")});
    BOOST_TEST_REQUIRE(replay.ok());
    BOOST_TEST(replay.value() == issued.value());
    BOOST_TEST(certificates() == 2);
}

BOOST_AUTO_TEST_CASE(certificates_belong_to_their_user) {
    BOOST_TEST_REQUIRE(create("alice", "app-2", "auto", {item("a", "/O=Acme/CN=dev-a")}).ok());
    const auto sn = storage::sql::query_int64(store->reader(), "SELECT max(sn) FROM certificates");
    BOOST_TEST(service.certificate(user("alice"), sn).ok());
    BOOST_TEST((code_of(service.certificate(user("bob"), sn)) == errc::certificate_not_found));
    const auto by_bob = test::wait_for<ca::status>(
        [&](auto done) { service.revoke(user("bob"), sn, 0, std::move(done)); });
    BOOST_TEST((code_of(by_bob) == errc::certificate_not_found));
    const auto by_alice = test::wait_for<ca::status>(
        [&](auto done) { service.revoke(user("alice"), sn, 1, std::move(done)); });
    BOOST_TEST(by_alice.ok());
}

BOOST_AUTO_TEST_CASE(the_officer_queue) {
    const auto queued = create("alice", "app-3", "manual",
                               {item("a", "/O=Acme/CN=dev-a"), item("b", "/O=Acme/CN=dev-b")});
    BOOST_TEST_REQUIRE(queued.ok(), (queued.ok() ? "" : queued.err().detail));
    BOOST_TEST(queued.value() == "entries=2 pending");
    BOOST_TEST(certificates() == 0);
    const auto first = outcome.entries[0].request.value();
    const auto second = outcome.entries[1].request.value();
    const auto pending = service.pending();
    BOOST_TEST_REQUIRE(pending.size() == 2u);
    BOOST_TEST(pending[0].user_name == "alice");
    BOOST_TEST(pending[0].profile_id == "manual");
    BOOST_TEST(pending[0].subject.find("dev-a") != std::string::npos, pending[0].subject);
    BOOST_TEST(service.request_status(user("alice"), first)->pending);
    BOOST_TEST((code_of(service.request_status(user("bob"), first)) == errc::request_not_found));

    const auto approved = service.approve(first);
    BOOST_TEST_REQUIRE(approved.ok(), (approved.ok() ? "" : approved.err().detail));
    const auto state = service.request_status(user("alice"), first);
    BOOST_TEST_REQUIRE(state.ok());
    BOOST_TEST(!state->pending);
    BOOST_TEST(state->cert_der == approved->der, boost::test_tools::per_element());
    BOOST_TEST(service.reject(second).ok());
    BOOST_TEST((code_of(service.request_status(user("alice"), second)) == errc::request_rejected));
    // Decided once.
    BOOST_TEST((code_of(service.approve(second)) == errc::request_not_found));
    BOOST_TEST((code_of(service.reject(first)) == errc::request_not_found));
    BOOST_TEST(service.pending().empty());
    BOOST_TEST(audit_count("emca-approve") == 1);
}

BOOST_AUTO_TEST_SUITE_END()
