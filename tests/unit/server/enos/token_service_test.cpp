// The token service: EnOS's encryption check, one token per app while valid, stateless
// verification that survives a new service object (a restart) but not a key or secret change.
#include "ca/enos/app_secret.hpp"
#include "ca/fingerprint.hpp"
#include "server/enos/crypto.hpp"
#include "server/enos/token_service.hpp"
#include "storage/enos/tenant_repository.hpp"

#include <boost/test/unit_test.hpp>

#include "test_support.hpp"

#include <thread>

namespace enos = localca::server::enos;
namespace storage = localca::storage;
namespace ca = localca::ca;
using namespace std::chrono_literals;

namespace {

struct token_fixture {
    localca::test::temp_dir dir;
    std::unique_ptr<storage::store> store;
    localca::ca::secret_box secrets{std::vector<std::uint8_t>(32, 3)};
    std::unique_ptr<localca::ca::enos::registry> registry;
    enos::options opts;

    token_fixture() {
        storage::options o;
        o.path = dir / "t.db";
        store = std::make_unique<storage::store>(o);
        set_secret("sk-1");
        registry = std::make_unique<localca::ca::enos::registry>(*store, secrets);
        opts.token_key = std::vector<unsigned char>(32, 7);
    }
    void set_secret(const std::string& secret) {
        store->writer().run([&](storage::connection& db) {
            const auto org = storage::enos::upsert_org(db, "o1");
            storage::enos::upsert_app(
                db, org, "ak-1",
                localca::ca::seal_text(secrets, secret,
                                       localca::ca::enos::app_secret_context("ak-1")));
        });
    }
    static std::string ts(std::int64_t offset_ms = 0) {
        return std::to_string(ca::real_time()->now_ms() + offset_ms);
    }
    static std::string encryption(const std::string& t, const std::string& secret = "sk-1") {
        return localca::ca::sha256_hex("ak-1" + t + secret);
    }
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(enos_token, token_fixture)

BOOST_AUTO_TEST_CASE(get_returns_the_same_token_while_valid) {
    enos::token_service tokens(*registry, opts, *ca::real_time());
    const auto t = ts();
    const auto first = tokens.get("ak-1", encryption(t), t);
    BOOST_TEST(static_cast<int>(first.status) == 0);
    BOOST_TEST(first.expire == 7200);
    const auto t2 = ts();
    const auto second = tokens.get("ak-1", encryption(t2), t2);
    BOOST_TEST(second.access_token == first.access_token);
    const auto app = tokens.verify(first.access_token);
    BOOST_REQUIRE(app.has_value());
    BOOST_TEST(app->org_id == "o1");
}

BOOST_AUTO_TEST_CASE(refusals) {
    enos::token_service tokens(*registry, opts, *ca::real_time());
    const auto t = ts();
    BOOST_TEST(static_cast<int>(tokens.get("nope", encryption(t), t).status) == 1002);
    BOOST_TEST(static_cast<int>(tokens.get("ak-1", encryption(t, "wrong"), t).status) == 1003);
    const auto old = ts(-6 * 60 * 1000);
    BOOST_TEST(static_cast<int>(tokens.get("ak-1", encryption(old), old).status) == 1004);
    BOOST_TEST(static_cast<int>(tokens.get("ak-1", encryption(t), "12ab").status) == 1004);
    BOOST_TEST(static_cast<int>(tokens.get("ak-1", "", t).status) == 1202);
    BOOST_TEST(static_cast<int>(tokens.refresh("ak-1", encryption(t), t, "x.y.z").status) == 1203);
    BOOST_TEST(!tokens.verify("garbage").has_value());
    BOOST_TEST(!tokens.verify("").has_value());
}

BOOST_AUTO_TEST_CASE(tokens_survive_a_restart_but_not_a_new_key_or_secret) {
    std::string token;
    {
        enos::token_service tokens(*registry, opts, *ca::real_time());
        const auto t = ts();
        token = tokens.get("ak-1", encryption(t), t).access_token;
    }
    enos::token_service restarted(*registry, opts, *ca::real_time());
    BOOST_TEST(restarted.verify(token).has_value());
    // Tampering with any part breaks it.
    auto tampered = token;
    tampered[0] = tampered[0] == 'f' ? 'e' : 'f';
    BOOST_TEST(!restarted.verify(tampered).has_value());
    auto other_opts = opts;
    other_opts.token_key = std::vector<unsigned char>(32, 8);
    enos::token_service rekeyed(*registry, other_opts, *ca::real_time());
    BOOST_TEST(!rekeyed.verify(token).has_value());
    set_secret("sk-2");
    BOOST_TEST(!restarted.verify(token).has_value());
}

BOOST_AUTO_TEST_CASE(refresh_mints_a_new_token_and_tokens_expire) {
    // On a settable clock: the lifetime is passed by advancing it, not by sleeping.
    ca::settable_clock clk(ca::clock::time_point(2'000'000'000s));
    const auto at = [&clk] { return std::to_string(clk.now_ms()); };
    opts.token_ttl = std::chrono::seconds(2);
    enos::token_service tokens(*registry, opts, clk);
    const auto t = at();
    const auto first = tokens.get("ak-1", encryption(t), t).access_token;
    clk.advance(20ms);
    const auto t2 = at();
    const auto refreshed = tokens.refresh("ak-1", encryption(t2), t2, first);
    BOOST_TEST(static_cast<int>(refreshed.status) == 0);
    BOOST_TEST(refreshed.access_token != first);
    BOOST_TEST(tokens.verify(refreshed.access_token).has_value());
    clk.advance(2100ms);
    BOOST_TEST(!tokens.verify(refreshed.access_token).has_value());
    const auto t3 = at();
    BOOST_TEST(static_cast<int>(tokens.refresh("ak-1", encryption(t3), t3, first).status) == 1203);
}

BOOST_AUTO_TEST_CASE(token_is_valid_until_its_expiry_on_the_clock) {
    ca::settable_clock clk(ca::clock::time_point(2'000'000'000s));
    const auto at = [&clk] { return std::to_string(clk.now_ms()); };
    enos::token_service tokens(*registry, opts, clk); // token_ttl 7200 s
    auto t = at();
    const auto first = tokens.get("ak-1", encryption(t), t);
    BOOST_REQUIRE(static_cast<int>(first.status) == 0);
    BOOST_TEST(first.expire == 7200);

    // Still the same token, with what is left of its life.
    clk.advance(7000s);
    t = at();
    const auto again = tokens.get("ak-1", encryption(t), t);
    BOOST_TEST(again.access_token == first.access_token);
    BOOST_TEST(again.expire == 200);

    // Valid up to the last millisecond before its expiry, refused from then on.
    clk.advance(200s - 1ms);
    BOOST_TEST(tokens.verify(first.access_token).has_value());
    clk.advance(1ms);
    BOOST_TEST(!tokens.verify(first.access_token).has_value());
    t = at();
    BOOST_TEST(static_cast<int>(
                   tokens.refresh("ak-1", encryption(t), t, first.access_token).status) == 1203);

    // A new one, for a full lifetime from now.
    const auto fresh = tokens.get("ak-1", encryption(t), t);
    BOOST_TEST(static_cast<int>(fresh.status) == 0);
    BOOST_TEST(fresh.access_token != first.access_token);
    BOOST_TEST(fresh.expire == 7200);
    BOOST_TEST(tokens.verify(fresh.access_token).has_value());
}

BOOST_AUTO_TEST_CASE(lifetimes_follow_a_shifted_clock_timestamps_the_real_time) {
    // The lab's case: the server's clock is 30 days ahead, the device's is not. The device's
    // timestamp is checked against the real time, its token's lifetime against the shifted one.
    auto real = std::make_shared<ca::settable_clock>(ca::clock::time_point(2'000'000'000s));
    ca::offset_clock lab(real, std::chrono::hours(24 * 30));
    enos::token_service tokens(*registry, opts, lab);
    const auto device_time = [&real] { return std::to_string(real->now_ms()); };
    auto t = device_time();
    const auto grant = tokens.get("ak-1", encryption(t), t);
    BOOST_REQUIRE(static_cast<int>(grant.status) == 0);
    BOOST_TEST(tokens.verify(grant.access_token).has_value());
    // A timestamp in the lab's time is 30 days off the real one: refused as stale.
    const auto lab_time = std::to_string(lab.now_ms());
    BOOST_TEST(static_cast<int>(tokens.get("ak-1", encryption(lab_time), lab_time).status) == 1004);

    lab.advance(2h); // time travel past the token's life; the device's clock stands still
    BOOST_TEST(!tokens.verify(grant.access_token).has_value());
    t = device_time();
    const auto next = tokens.get("ak-1", encryption(t), t);
    BOOST_TEST(static_cast<int>(next.status) == 0);
    BOOST_TEST(next.access_token != grant.access_token);
    BOOST_TEST(tokens.verify(next.access_token).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
