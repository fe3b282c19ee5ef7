// Automatic TLS certificates on a settable clock: when each is renewed, without waiting for it.
#include "ca/clock.hpp"
#include "ca/engine.hpp"
#include "test_support.hpp"
#include "tools/localca/tls_certificate.hpp"

#include <fstream>

using namespace localca;
using namespace std::chrono_literals;
using localca::test::must_run;
using localca::test::temp_dir;

namespace {

constexpr auto k_day = std::chrono::hours(24);
const ca::clock::time_point k_start{std::chrono::seconds(1'893'456'000)}; // 2030-01-01

struct tls_fixture {
    tls_fixture() : clk(std::make_shared<ca::settable_clock>(k_start)) {
        ::unsetenv("LOCALCA_CA_PASSPHRASE");
        storage::options so;
        so.path = dir / "localca.db";
        so.durable = false;
        store = std::make_unique<storage::store>(so);
        ca::engine::initialize(dir.path(), *store, {}, *clk);
        engine = std::make_unique<ca::engine>(dir.path(), *store, ca::options{}, clk);
        tls.auto_names = {"localhost", "127.0.0.1"};
    }
    ~tls_fixture() {
        engine.reset();
        store.reset();
    }
    tools::install_certificate installer() {
        return [this](const std::string& chain, const std::string&,
                      std::shared_ptr<const server::ocsp_staple>) { installed.push_back(chain); };
    }
    // notBefore/notAfter of the last installed certificate, read by openssl.
    std::string last_dates() {
        const auto p = dir / "tls.pem";
        std::ofstream(p) << installed.back();
        return must_run("openssl x509 -in " + p.string() + " -noout -startdate -enddate");
    }

    temp_dir dir;
    std::shared_ptr<ca::settable_clock> clk;
    std::unique_ptr<storage::store> store;
    std::unique_ptr<ca::engine> engine;
    tools::tls_config tls;
    std::vector<std::string> installed;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(tools_tls_renewal, tls_fixture)

BOOST_AUTO_TEST_CASE(renewal_time_is_a_third_of_the_lifetime_or_the_configured_lead) {
    const auto nb = k_start;
    const auto na = k_start + 30 * k_day;
    BOOST_CHECK(tools::renewal_time(nb, na, 0s) == k_start + 20 * k_day);
    BOOST_CHECK(tools::renewal_time(nb, na, std::chrono::seconds(5 * 86400)) ==
                k_start + 25 * k_day);
    // A lead as long as the lifetime (the root ends sooner) falls back to the third.
    BOOST_CHECK(tools::renewal_time(nb, na, std::chrono::seconds(30 * 86400)) ==
                k_start + 20 * k_day);
}

BOOST_AUTO_TEST_CASE(renews_when_the_clock_reaches_the_renewal_window) {
    tools::auto_certificate tls_auto(*engine, tls, installer()); // not started: no thread
    BOOST_CHECK(tls_auto.renew_if_due());                        // no certificate yet: due at once
    BOOST_REQUIRE_EQUAL(installed.size(), 1u);
    BOOST_CHECK(tls_auto.next_renewal() == k_start + 20 * k_day);
    const auto first = last_dates();
    BOOST_CHECK(first.find("notBefore=Jan  1 00:00:00 2030 GMT") != std::string::npos);
    BOOST_CHECK(first.find("notAfter=Jan 31 00:00:00 2030 GMT") != std::string::npos);

    clk->advance(20 * k_day - 1s);
    BOOST_CHECK(!tls_auto.renew_if_due());
    BOOST_CHECK_EQUAL(installed.size(), 1u);

    clk->advance(1s);
    BOOST_CHECK(tls_auto.renew_if_due());
    BOOST_REQUIRE_EQUAL(installed.size(), 2u);
    BOOST_CHECK(installed[1] != installed[0]);
    BOOST_CHECK(tls_auto.next_renewal() == k_start + 40 * k_day);
    const auto second = last_dates();
    BOOST_CHECK_MESSAGE(second.find("notBefore=Jan 21 00:00:00 2030 GMT") != std::string::npos,
                        second);
    BOOST_CHECK(second.find("notAfter=Feb 20 00:00:00 2030 GMT") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_configured_lead_moves_the_window) {
    tls.renew_before = std::chrono::seconds(2 * 86400);
    tls.validity_days = 10;
    tools::auto_certificate tls_auto(*engine, tls, installer());
    BOOST_CHECK(tls_auto.renew_if_due());
    BOOST_CHECK(tls_auto.next_renewal() == k_start + 8 * k_day);
    clk->set(k_start + 8 * k_day - 1s);
    BOOST_CHECK(!tls_auto.renew_if_due());
    clk->set(k_start + 8 * k_day);
    BOOST_CHECK(tls_auto.renew_if_due());
    BOOST_CHECK_EQUAL(installed.size(), 2u);
    BOOST_CHECK(tls_auto.next_renewal() == k_start + 16 * k_day);
}

BOOST_AUTO_TEST_SUITE_END()
