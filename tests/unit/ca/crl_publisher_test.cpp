// The CRL publisher (ca/crl_publisher.hpp) through the engine on a settable clock: a fetch after a
// revocation includes it, unchanged counters hit the cache, revocations coalesce, concurrent
// fetchers share one build, and cRLNumber only grows even with two publishers (two processes) on
// one database. CRLs are parsed with Botan and checked against the root.
#include "ca/clock.hpp"
#include "ca/crl_publisher.hpp"
#include "ca/csr.hpp"
#include "ca/engine.hpp"
#include "storage/authority_repository.hpp"
#include "test_support.hpp"

#include <botan/x509_crl.h>

#include <filesystem>
#include <set>
#include <thread>

using namespace localca;
using localca::test::openssl_csr;
using localca::test::temp_dir;

namespace {

const ca::clock::time_point k_start{std::chrono::seconds(1'893'456'000)};

struct publisher_fixture {
    publisher_fixture() : clk(std::make_shared<ca::settable_clock>(k_start)) {
        ::unsetenv("LOCALCA_CA_PASSPHRASE");
        sopts.path = dir / "localca.db";
        sopts.durable = false;
        sopts.serial_block = 10;
        store = std::make_unique<storage::store>(sopts);
        BOOST_REQUIRE(ca::engine::initialize(dir.path(), *store, opts, *clk));
        eng = std::make_unique<ca::engine>(dir.path(), *store, opts, clk);
        subject = ca::check_csr(openssl_csr(dir.path(), "pub", "rsa2048", "/CN=pub"),
                                ca::authority_kind::rsa)
                      .value();
    }
    ~publisher_fixture() {
        eng.reset();
        store.reset();
    }

    std::vector<std::int64_t> issue(int n) {
        std::vector<std::int64_t> out;
        for (int i = 0; i < n; ++i) {
            ca::issue_request req;
            req.subject = subject;
            req.valid_days = 30;
            auto r = eng->issue_sync(req);
            BOOST_REQUIRE(r);
            out.push_back(r->sn);
        }
        return out;
    }
    void revoke(std::int64_t sn) {
        ca::revoke_request req;
        req.sn = sn;
        req.reason = 1;
        BOOST_REQUIRE(eng->revoke_sync(req));
    }

    // Serials and cRLNumber of a CRL, after checking its signature against the RSA root.
    struct parsed {
        std::set<std::int64_t> serials;
        std::size_t number = 0;
    };
    parsed parse(const std::vector<std::uint8_t>& der) {
        Botan::X509_CRL crl(der);
        BOOST_REQUIRE(crl.check_signature(
            *eng->get(ca::authority_kind::rsa).cert().load_subject_public_key()));
        parsed p;
        p.number = crl.crl_number();
        for (const auto& e : crl.get_revoked()) {
            p.serials.insert(
                static_cast<std::int64_t>(Botan::BigInt::decode(e.serial_number()).to_u32bit()));
        }
        return p;
    }
    parsed fetch() { return parse(eng->crl_der(ca::authority_kind::rsa)); }

    temp_dir dir;
    std::shared_ptr<ca::settable_clock> clk;
    storage::options sopts;
    ca::options opts;
    std::unique_ptr<storage::store> store;
    std::unique_ptr<ca::engine> eng;
    ca::subject_key subject;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(crl_publisher, publisher_fixture)

BOOST_AUTO_TEST_CASE(a_fetch_after_a_revocation_includes_it_and_a_fresh_one_is_cached) {
    const auto sns = issue(3);
    auto last = fetch().number;
    for (const auto sn : sns) {
        revoke(sn);
        const auto builds = eng->crls().builds();
        const auto p = fetch(); // at once, not after the debounced background rebuild
        BOOST_CHECK(p.serials.count(sn) == 1);
        BOOST_CHECK_GT(p.number, last);
        last = p.number;
        BOOST_CHECK_LE(eng->crls().builds(), builds + 1);
    }
    const auto builds = eng->crls().builds();
    BOOST_CHECK_EQUAL(fetch().number, last); // nothing revoked since: the cache, no build
    BOOST_CHECK_EQUAL(eng->crls().builds(), builds);
    BOOST_CHECK_EQUAL(eng->crls().generation(), 3u);
}

BOOST_AUTO_TEST_CASE(many_revocations_coalesce_into_few_builds) {
    const auto sns = issue(30);
    fetch();
    const auto before = eng->crls().builds();
    for (const auto sn : sns) {
        revoke(sn);
    }
    const auto p = fetch();
    for (const auto sn : sns) {
        BOOST_CHECK(p.serials.count(sn) == 1);
    }
    const auto built = eng->crls().builds() - before;
    BOOST_TEST_MESSAGE(built << " builds for 30 revocations");
    BOOST_CHECK_GE(built, 1u);
    BOOST_CHECK_LT(built, 30u);
}

BOOST_AUTO_TEST_CASE(concurrent_fetchers_share_one_build) {
    const auto sns = issue(1);
    fetch();
    revoke(sns[0]);
    const auto before = eng->crls().builds();
    std::vector<std::vector<std::uint8_t>> got(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i) {
        threads.emplace_back([&, i] { got[i] = eng->crl_der(ca::authority_kind::rsa); });
    }
    for (auto& t : threads) {
        t.join();
    }
    BOOST_CHECK_EQUAL(eng->crls().builds() - before, 1u); // the background rebuild included
    for (const auto& der : got) {
        BOOST_CHECK(der == got.front());
        BOOST_CHECK(parse(der).serials.count(sns[0]) == 1);
    }
}

BOOST_AUTO_TEST_CASE(crl_number_only_grows_with_two_publishers_on_one_database) {
    // A second engine on the same database stands for a second process (`localca revoke`).
    auto other = std::make_unique<ca::engine>(dir.path(), *store, opts, clk);
    const auto sns = issue(4);
    std::size_t last = 0;
    for (std::size_t i = 0; i < sns.size(); ++i) {
        revoke(sns[i]);
        auto& fetcher = i % 2 ? *other : *eng;
        const auto p = parse(fetcher.crl_der(ca::authority_kind::rsa));
        BOOST_CHECK(p.serials.count(sns[i]) == 1);
        BOOST_CHECK_GT(p.number, last);
        last = p.number;
        // The other one serves the stored CRL, never an older number.
        auto& second = i % 2 ? *eng : *other;
        BOOST_CHECK_GE(parse(second.crl_der(ca::authority_kind::rsa)).number, last);
    }
    const auto row = storage::find_authority(store->reader(), "RSA");
    BOOST_REQUIRE(row);
    BOOST_CHECK_EQUAL(static_cast<std::size_t>(row->crl_number), last);
    // Half the validity later both re-sign or take the re-signed one: still growing.
    clk->advance(std::chrono::hours(85));
    const auto resigned = fetch().number;
    BOOST_CHECK_GT(resigned, last);
    BOOST_CHECK_EQUAL(parse(other->crl_der(ca::authority_kind::rsa)).number, resigned);
    other.reset();
}

BOOST_AUTO_TEST_CASE(another_process_serves_the_archived_crl_and_builds_when_it_is_gone) {
    // The DER is in the archive beside the database, not in the authorities row: a second
    // publisher (another process) with no cache serves it without building; without the archive
    // (a crash, a restored backup) it builds a new one, numbered higher.
    revoke(issue(1).front());
    const auto der = eng->crl_der(ca::authority_kind::rsa);
    const auto row = storage::find_authority(store->reader(), "RSA");
    BOOST_REQUIRE(row);
    BOOST_TEST(row->crl_der.empty()); // init's CRL cleared by the first store
    BOOST_TEST(std::filesystem::exists(dir / "localca-crls.db"));

    auto other = std::make_unique<ca::engine>(dir.path(), *store, opts, clk);
    BOOST_TEST(other->crl_der(ca::authority_kind::rsa) == der);
    BOOST_TEST(other->crls().builds() == 0u);
    other.reset();

    std::filesystem::remove(dir / "localca-crls.db");
    std::filesystem::remove(dir / "localca-crls.db-wal");
    std::filesystem::remove(dir / "localca-crls.db-shm");
    auto third = std::make_unique<ca::engine>(dir.path(), *store, opts, clk);
    const auto rebuilt = parse(third->crl_der(ca::authority_kind::rsa));
    BOOST_TEST(third->crls().builds() == 1u);
    BOOST_TEST(rebuilt.number > parse(der).number);
    BOOST_TEST(rebuilt.serials == parse(der).serials);
    third.reset();
}

BOOST_AUTO_TEST_SUITE_END()
