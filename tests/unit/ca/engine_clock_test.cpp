// The engine on a settable clock: every date it writes or decides by is the clock's, checked
// with the openssl CLI, and time passes by advancing the clock instead of sleeping.
#include "ca/clock.hpp"
#include "ca/csr.hpp"
#include "ca/engine.hpp"
#include "ca/unix_time.hpp"
#include "storage/audit_repository.hpp"
#include "storage/authority_repository.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "test_support.hpp"

#include <ctime>
#include <fstream>

using namespace localca;
using namespace std::chrono_literals;
using localca::test::must_run;
using localca::test::openssl_csr;
using localca::test::temp_dir;

namespace {

constexpr auto k_day = std::chrono::hours(24);
// 2030-01-01T00:00:00Z: years away from the machine's time, so nothing passes by accident.
const ca::clock::time_point k_engine_clock_start{std::chrono::seconds(1'893'456'000)};

// As `openssl ... -dateopt iso_8601` prints it: "2030-01-01 00:00:00Z".
std::string iso(ca::clock::time_point t) {
    const std::time_t s = std::chrono::system_clock::to_time_t(t);
    std::tm tm{};
    ::gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%SZ", &tm);
    return buf;
}

bool has_engine_clock(const std::string& text, const std::string& what) {
    const bool found = text.find(what) != std::string::npos;
    if (!found) {
        BOOST_TEST_MESSAGE("missing \"" << what << "\" in:\n" << text);
    }
    return found;
}

struct clock_fixture {
    clock_fixture() : clk(std::make_shared<ca::settable_clock>(k_engine_clock_start)) {
        ::unsetenv("LOCALCA_CA_PASSPHRASE"); // the data dir's passphrase file
        sopts.path = dir / "localca.db";
        sopts.durable = false;
        sopts.serial_block = 10;
        store = std::make_unique<storage::store>(sopts);
        BOOST_REQUIRE(ca::engine::initialize(dir.path(), *store, opts, *clk));
        eng = std::make_unique<ca::engine>(dir.path(), *store, opts, clk);
    }
    ~clock_fixture() {
        eng.reset();
        store.reset();
    }

    std::filesystem::path write(const std::string& name, const std::vector<std::uint8_t>& der) {
        const auto p = dir / name;
        std::ofstream(p, std::ios::binary)
            .write(reinterpret_cast<const char*>(der.data()),
                   static_cast<std::streamsize>(der.size()));
        return p;
    }
    // notBefore/notAfter of a DER certificate, as openssl reads them.
    std::string cert_dates(const std::vector<std::uint8_t>& der) {
        return must_run("openssl x509 -inform DER -in " + write("c.der", der).string() +
                        " -noout -startdate -enddate -dateopt iso_8601");
    }
    // The RSA authority's current CRL, as openssl reads it (signature checked).
    std::string crl_text() {
        return must_run("openssl crl -inform DER -in " +
                        write("crl.der", eng->crl_der(ca::authority_kind::rsa)).string() +
                        " -CAfile " + (dir / "ca" / "rsa.crt.pem").string() +
                        " -noout -text -lastupdate -nextupdate -dateopt iso_8601");
    }

    std::int64_t device(const std::string& key) {
        std::int64_t id = 0;
        store->writer().run([&](storage::connection& db) {
            const auto org = storage::enos::upsert_org(db, "org");
            const auto product = storage::enos::upsert_product(db, org, "product", true, 3650);
            id = storage::enos::upsert_device(db, org, product, key, "asset-" + key);
        });
        return id;
    }
    ca::issue_request request(const std::string& cn) {
        auto sk = ca::check_csr(openssl_csr(dir.path(), cn, "p256", "/CN=" + cn),
                                ca::authority_kind::ecc);
        BOOST_REQUIRE_MESSAGE(sk.ok(), (sk.ok() ? "" : sk.err().detail));
        ca::issue_request req;
        req.authority = ca::authority_kind::ecc;
        req.subject = sk.value();
        req.valid_days = 30;
        return req;
    }
    ca::issued_certificate issue(ca::issue_request req) {
        auto r = eng->issue_sync(std::move(req));
        BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().detail));
        return r.value();
    }

    temp_dir dir;
    std::shared_ptr<ca::settable_clock> clk;
    ca::options opts;
    storage::options sopts;
    std::unique_ptr<storage::store> store;
    std::unique_ptr<ca::engine> eng;
};

} // namespace

BOOST_FIXTURE_TEST_SUITE(ca_engine_clock, clock_fixture)

BOOST_AUTO_TEST_CASE(roots_certificates_and_audit_entries_carry_the_clocks_time) {
    BOOST_CHECK(&eng->clock() == clk.get());
    const auto root = must_run("openssl x509 -in " + (dir / "ca" / "ecc.crt.pem").string() +
                               " -noout -startdate -enddate -dateopt iso_8601");
    BOOST_CHECK(has_engine_clock(root, "notBefore=" + iso(k_engine_clock_start)));
    BOOST_CHECK(has_engine_clock(root, "notAfter=" + iso(k_engine_clock_start + 3650 * k_day)));

    clk->advance(1h + 1500ms); // notBefore is whole seconds
    const auto cert = issue(request("dev-1"));
    BOOST_CHECK(cert.not_before == k_engine_clock_start + 1h + 1s);
    BOOST_CHECK(cert.not_after == k_engine_clock_start + 1h + 1s + 30 * k_day);
    const auto dates = cert_dates(cert.der);
    BOOST_CHECK(has_engine_clock(dates, "notBefore=" + iso(k_engine_clock_start + 1h + 1s)));
    BOOST_CHECK(
        has_engine_clock(dates, "notAfter=" + iso(k_engine_clock_start + 1h + 1s + 30 * k_day)));
    const auto row = eng->find_certificate(cert.sn);
    BOOST_REQUIRE(row);
    BOOST_CHECK_EQUAL(row->not_before, clk->now_unix());

    clk->advance(10min);
    const auto audit = storage::last_audit_row(store->reader());
    BOOST_REQUIRE(audit);
    BOOST_CHECK_EQUAL(audit->action, "issue");
    BOOST_CHECK_EQUAL(audit->at,
                      ca::unix_seconds(k_engine_clock_start + 1h + 1s)); // when it was written
    ca::audit_event start;
    start.actor = "cli";
    start.action = "start";
    ca::record_audit(*store, start, eng->clock());
    BOOST_CHECK_EQUAL(storage::last_audit_row(store->reader())->at, clk->now_unix());
    BOOST_CHECK(ca::verify_audit(store->reader()).ok);
}

BOOST_AUTO_TEST_CASE(crl_is_resigned_once_half_its_validity_has_passed) {
    // The CRL made at init: thisUpdate is the clock's time, nextUpdate 7 days later.
    const auto first = crl_text();
    BOOST_CHECK(has_engine_clock(first, "verify OK"));
    BOOST_CHECK(has_engine_clock(first, "lastUpdate=" + iso(k_engine_clock_start)));
    BOOST_CHECK(has_engine_clock(first, "nextUpdate=" + iso(k_engine_clock_start + 7 * k_day)));
    const auto first_der = eng->crl_der(ca::authority_kind::rsa);

    // Exactly half of its validity: still served as it is.
    clk->advance(84h);
    BOOST_CHECK(eng->crl_der(ca::authority_kind::rsa) == first_der);

    // One second more: re-signed at the clock's time, with the next number.
    clk->advance(1s);
    const auto now = k_engine_clock_start + 84h + 1s;
    const auto second = crl_text();
    BOOST_CHECK(has_engine_clock(second, "verify OK"));
    BOOST_CHECK(has_engine_clock(second, "lastUpdate=" + iso(now)));
    BOOST_CHECK(has_engine_clock(second, "nextUpdate=" + iso(now + 7 * k_day)));
    const auto second_der = eng->crl_der(ca::authority_kind::rsa);
    BOOST_CHECK(second_der != first_der);
    const auto row = storage::find_authority(store->reader(), "RSA");
    BOOST_REQUIRE(row);
    BOOST_CHECK_EQUAL(row->crl_number, 2);
    BOOST_CHECK_EQUAL(row->crl_this_update, ca::unix_seconds(now));
    // And fresh again until the next half has passed.
    clk->advance(84h);
    BOOST_CHECK(eng->crl_der(ca::authority_kind::rsa) == second_der);
}

BOOST_AUTO_TEST_CASE(revocation_date_and_crl_are_the_clocks) {
    auto req = request("dev-r");
    req.authority = ca::authority_kind::rsa;
    req.subject = ca::check_csr(openssl_csr(dir.path(), "dev-r", "rsa2048", "/CN=dev-r"),
                                ca::authority_kind::rsa)
                      .value();
    const auto cert = issue(req);
    clk->advance(2 * k_day + 5s);
    ca::revoke_request revoke;
    revoke.sn = cert.sn;
    revoke.reason = 1;
    BOOST_REQUIRE(eng->revoke_sync(revoke).ok());
    const auto text = crl_text();
    BOOST_CHECK(has_engine_clock(text, "verify OK"));
    BOOST_CHECK(has_engine_clock(text, "Revocation Date: Jan  3 00:00:05 2030 GMT"));
    BOOST_CHECK(has_engine_clock(text, "lastUpdate=" + iso(clk->now())));
    BOOST_CHECK(has_engine_clock(text, "nextUpdate=" + iso(clk->now() + 7 * k_day)));
    BOOST_CHECK_EQUAL(eng->find_certificate(cert.sn)->revoked_at.value_or(0), clk->now_unix());
}

BOOST_AUTO_TEST_CASE(an_expired_certificate_stops_counting_as_live) {
    const auto a = device("dev-a");
    const auto b = device("dev-b");
    auto first = request("shared-cn");
    first.device = a;
    first.valid_days = 1;
    issue(first);

    auto second = request("shared-cn");
    second.device = b;
    second.unique_subject = true;
    auto refused = eng->issue_sync(second);
    BOOST_REQUIRE(!refused.ok());
    BOOST_CHECK(refused.err().code == ca::errc::duplicate_subject);

    clk->advance(k_day - 1s); // the last second of its life: still live
    refused = eng->issue_sync(second);
    BOOST_REQUIRE(!refused.ok());
    BOOST_CHECK(refused.err().code == ca::errc::duplicate_subject);

    clk->advance(1s); // notAfter reached: expired, no longer a duplicate
    const auto issued = eng->issue_sync(second);
    BOOST_CHECK_MESSAGE(issued.ok(), (issued.ok() ? "" : issued.err().detail));
}

BOOST_AUTO_TEST_CASE(validity_windows_and_the_root_clamp_follow_the_clock) {
    // An explicit notBefore (emCA's validFrom) and exact validity: taken as given.
    auto req = request("window");
    req.not_before = clk->now() + k_day;
    req.validity = 2 * k_day;
    auto cert = issue(req);
    auto dates = cert_dates(cert.der);
    BOOST_CHECK(has_engine_clock(dates, "notBefore=" + iso(k_engine_clock_start + k_day)));
    BOOST_CHECK(has_engine_clock(dates, "notAfter=" + iso(k_engine_clock_start + 3 * k_day)));

    // Ten days before the root ends, 30 days are cut at the root's notAfter.
    const auto root_end = k_engine_clock_start + 3650 * k_day;
    clk->set(root_end - 10 * k_day);
    cert = issue(request("clamped"));
    BOOST_CHECK(cert.not_after == root_end);
    dates = cert_dates(cert.der);
    BOOST_CHECK(has_engine_clock(dates, "notBefore=" + iso(root_end - 10 * k_day)));
    BOOST_CHECK(has_engine_clock(dates, "notAfter=" + iso(root_end)));

    // A notBefore at the root's end is refused; once the clock passes it, nothing is issued.
    req = request("late");
    req.not_before = root_end;
    auto refused = eng->issue_sync(req);
    BOOST_REQUIRE(!refused.ok());
    BOOST_CHECK(refused.err().code == ca::errc::not_before_invalid);
    clk->set(root_end);
    refused = eng->issue_sync(request("after-root"));
    BOOST_REQUIRE(!refused.ok());
    BOOST_CHECK(refused.err().code == ca::errc::internal);
    BOOST_CHECK(has_engine_clock(refused.err().detail, "root has expired"));
}

BOOST_AUTO_TEST_SUITE_END()
