// The engine over a real store (file database in a temp dir): init, issuance policy, revocation
// and CRLs, checked with the openssl CLI where it matters.
#include "ca/csr.hpp"
#include "ca/engine.hpp"
#include "storage/authority_repository.hpp"
#include "storage/certificate_repository.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "test_support.hpp"

#include <botan/bigint.h>
#include <botan/x509_crl.h>

#include "storage/connection.hpp"

#include <atomic>
#include <fstream>
#include <latch>
#include <mutex>
#include <set>
#include <sys/stat.h>
#include <thread>

using namespace localca;
using localca::test::must_run;
using localca::test::openssl_csr;
using localca::test::run;
using localca::test::temp_dir;
using localca::test::write_bytes;

namespace {

bool has_engine(const std::string& text, const std::string& what) {
    const bool found = text.find(what) != std::string::npos;
    if (!found) {
        BOOST_TEST_MESSAGE("missing \"" << what << "\" in:\n" << text);
    }
    return found;
}

// Options with the CRL URL template the server's wiring sets by default.
ca::options with_crl_url(ca::options o = {}) {
    o.crl_url_template = "{base}/enos/CA/crl/{authority}";
    return o;
}

// A data dir with an initialized store and CA, and the engine loaded on it.
struct fixture_engine {
    explicit fixture_engine(ca::options o = with_crl_url()) : opts(std::move(o)) {
        sopts.path = dir / "localca.db";
        sopts.durable = false;
        sopts.serial_block = 10;
        store = std::make_unique<storage::store>(sopts);
        BOOST_REQUIRE(ca::engine::initialize(dir.path(), *store, opts));
        eng = std::make_unique<ca::engine>(dir.path(), *store, opts);
    }
    ~fixture_engine() {
        eng.reset();
        store.reset();
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

    ca::subject_key csr(const std::string& stem, const std::string& keyalg, const std::string& subj,
                        const std::string& extra = "") {
        const auto kind = keyalg == "p256" ? ca::authority_kind::ecc : ca::authority_kind::rsa;
        auto r = ca::check_csr(openssl_csr(dir.path(), stem, keyalg, subj, "sha256", extra), kind);
        BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().detail));
        return r.value();
    }

    ca::issue_request request(const ca::subject_key& sk, ca::authority_kind kind,
                              std::optional<std::int64_t> dev = {}) {
        ca::issue_request req;
        req.authority = kind;
        req.subject = sk;
        req.valid_days = 30;
        req.device = dev;
        return req;
    }

    std::filesystem::path root_pem(ca::authority_kind kind) const {
        return dir / "ca" / (kind == ca::authority_kind::rsa ? "rsa.crt.pem" : "ecc.crt.pem");
    }

    test::scoped_env env{"LOCALCA_CA_PASSPHRASE"};
    temp_dir dir;
    ca::options opts;
    storage::options sopts;
    std::unique_ptr<storage::store> store;
    std::unique_ptr<ca::engine> eng;
};

ca::errc code_of_engine(const ca::status& s) {
    return s.ok() ? ca::errc::internal : s.err().code;
}

template <class T> void require_ok(const ca::result<T>& r) {
    BOOST_REQUIRE_MESSAGE(
        r.ok(), (r.ok() ? std::string()
                        : std::string(ca::to_string(r.err().code)) + ": " + r.err().detail));
}

template <class T> void require_error_engine(const ca::result<T>& r, ca::errc code) {
    BOOST_REQUIRE_MESSAGE(!r.ok(), "expected " << ca::to_string(code) << ", got success");
    BOOST_CHECK_MESSAGE(r.err().code == code, "expected " << ca::to_string(code) << ", got "
                                                          << ca::to_string(r.err().code) << ": "
                                                          << r.err().detail);
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_engine)

BOOST_AUTO_TEST_CASE(initialize_creates_keys_roots_and_crls) {
    fixture_engine f;
    const auto ca_dir = f.dir / "ca";
    BOOST_CHECK_EQUAL(test::file_mode(ca_dir), 0700u);
    BOOST_CHECK_EQUAL(test::file_mode(ca_dir / "passphrase"), 0600u);
    for (const std::string stem : {"rsa", "ecc"}) {
        const auto key = ca_dir / (stem + ".key.pem");
        BOOST_CHECK_EQUAL(test::file_mode(key), 0600u);
        BOOST_CHECK(has_engine(must_run("openssl asn1parse -in " + key.string()), ":PBES2"));
        // openssl decrypts it with the passphrase file, and not without it.
        BOOST_CHECK(has_engine(must_run("openssl pkey -in " + key.string() + " -passin file:" +
                                        (ca_dir / "passphrase").string() + " -noout -text"),
                               "Private-Key"));
        BOOST_CHECK(run("openssl pkey -in " + key.string() + " -passin pass:nope -noout").status !=
                    0);
        const auto root = ca_dir / (stem + ".crt.pem");
        BOOST_CHECK(has_engine(
            must_run("openssl verify -CAfile " + root.string() + " " + root.string()), ": OK"));
    }
    BOOST_CHECK(has_engine(must_run("openssl x509 -in " +
                                    f.root_pem(ca::authority_kind::rsa).string() + " -noout -text"),
                           "Public-Key: (2048 bit)"));
    BOOST_CHECK(has_engine(must_run("openssl x509 -in " +
                                    f.root_pem(ca::authority_kind::ecc).string() + " -noout -text"),
                           "prime256v1"));

    for (auto kind : {ca::authority_kind::rsa, ca::authority_kind::ecc}) {
        const auto row = storage::find_authority(f.store->reader(), ca::to_string(kind));
        BOOST_REQUIRE(row);
        BOOST_CHECK(row->cert_der == f.eng->get(kind).cert().BER_encode());
        BOOST_CHECK_EQUAL(localca::test::read_file(f.root_pem(kind)), f.eng->get(kind).cert_pem());
        BOOST_CHECK_EQUAL(row->crl_number, 1);
        write_bytes(f.dir / "crl.der", row->crl_der);
        const auto text = must_run("openssl crl -inform DER -in " + (f.dir / "crl.der").string() +
                                   " -CAfile " + f.root_pem(kind).string() + " -noout -text");
        BOOST_CHECK(has_engine(text, "verify OK"));
        BOOST_CHECK(has_engine(text, "No Revoked Certificates."));
    }
    // No key material in the database.
    const auto db = localca::test::read_file(f.dir / "localca.db");
    BOOST_CHECK(db.find("PRIVATE KEY") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(initialize_twice_changes_nothing) {
    fixture_engine f;
    const auto ca_dir = f.dir / "ca";
    std::map<std::string, std::string> before;
    for (const auto& e : std::filesystem::directory_iterator(ca_dir)) {
        before[e.path().filename().string()] = localca::test::read_file(e.path());
    }
    const auto row = storage::find_authority(f.store->reader(), "RSA");
    BOOST_CHECK(!ca::engine::initialize(f.dir.path(), *f.store, f.opts));
    std::map<std::string, std::string> after;
    for (const auto& e : std::filesystem::directory_iterator(ca_dir)) {
        after[e.path().filename().string()] = localca::test::read_file(e.path());
    }
    BOOST_CHECK(before == after);
    BOOST_CHECK_EQUAL(before.size(), 5u); // passphrase, 2 keys, 2 roots
    const auto row2 = storage::find_authority(f.store->reader(), "RSA");
    BOOST_CHECK(row->cert_der == row2->cert_der);
    BOOST_CHECK(row->crl_der == row2->crl_der);

    // A deleted convenience copy of a root is restored.
    std::filesystem::remove(ca_dir / "ecc.crt.pem");
    BOOST_CHECK(ca::engine::initialize(f.dir.path(), *f.store, f.opts));
    BOOST_CHECK_EQUAL(localca::test::read_file(ca_dir / "ecc.crt.pem"), before["ecc.crt.pem"]);
}

BOOST_AUTO_TEST_CASE(passphrase_from_environment) {
    test::scoped_env env("LOCALCA_CA_PASSPHRASE", "env secret");
    temp_dir dir;
    storage::options sopts;
    sopts.path = dir / "db";
    sopts.durable = false;
    storage::store store(sopts);
    BOOST_CHECK(ca::engine::initialize(dir.path(), store, {}));
    BOOST_CHECK(!std::filesystem::exists(dir / "ca" / "passphrase"));
    BOOST_CHECK(has_engine(must_run("openssl pkey -in " + (dir / "ca" / "rsa.key.pem").string() +
                                    " -passin 'pass:env secret' -noout -text"),
                           "Private-Key"));
    { ca::engine e(dir.path(), store, {}); }
    {
        test::scoped_env wrong("LOCALCA_CA_PASSPHRASE", "other secret");
        try {
            ca::engine e(dir.path(), store, {});
            BOOST_ERROR("loaded with a wrong passphrase");
        } catch (const std::runtime_error& e) {
            BOOST_CHECK(has_engine(e.what(), "wrong passphrase"));
            BOOST_CHECK(std::string(e.what()).find("other secret") == std::string::npos);
        }
    }
    {
        test::scoped_env none("LOCALCA_CA_PASSPHRASE");
        BOOST_CHECK_THROW(ca::engine(dir.path(), store, {}), std::runtime_error);
    }
}

BOOST_AUTO_TEST_CASE(wrong_passphrase_file_is_a_clear_error) {
    fixture_engine f;
    f.eng.reset();
    std::ofstream(f.dir / "ca" / "passphrase", std::ios::trunc) << "not the passphrase\n";
    try {
        ca::engine e(f.dir.path(), *f.store, f.opts);
        BOOST_ERROR("loaded with a wrong passphrase");
    } catch (const std::runtime_error& e) {
        BOOST_CHECK(has_engine(e.what(), "wrong passphrase"));
    }
}

BOOST_AUTO_TEST_CASE(half_present_authorities_are_refused) {
    fixture_engine f;
    f.eng.reset();
    // Keys without database rows: a fresh database on the same data dir.
    storage::options other = f.sopts;
    other.path = f.dir / "other.db";
    {
        storage::store s(other);
        try {
            ca::engine::initialize(f.dir.path(), s, f.opts);
            BOOST_ERROR("initialize replaced existing keys");
        } catch (const std::runtime_error& e) {
            BOOST_CHECK(has_engine(e.what(), "exists but the database has no RSA root"));
        }
        BOOST_CHECK(!storage::find_authority(s.reader(), "RSA"));
    }
    // A row without its key.
    std::filesystem::rename(f.dir / "ca" / "ecc.key.pem", f.dir / "ecc.key.pem.bak");
    try {
        ca::engine::initialize(f.dir.path(), *f.store, f.opts);
        BOOST_ERROR("initialize replaced a missing key");
    } catch (const std::runtime_error& e) {
        BOOST_CHECK(has_engine(e.what(), "ECC root but its key"));
    }
    BOOST_CHECK(!std::filesystem::exists(f.dir / "ca" / "ecc.key.pem"));
    // A key that is not the root's: the engine refuses to load.
    std::filesystem::copy_file(f.dir / "ca" / "rsa.key.pem", f.dir / "ca" / "ecc.key.pem");
    BOOST_CHECK_THROW(ca::engine(f.dir.path(), *f.store, f.opts), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(issue_rsa_and_ecc) {
    fixture_engine f;
    const auto dev = f.device("d1");
    for (auto [kind, alg] : {std::pair{ca::authority_kind::rsa, "rsa2048"},
                             std::pair{ca::authority_kind::ecc, "p256"}}) {
        const auto sk = f.csr(alg, alg, "/C=CN/O=Acme/CN=dev-" + std::string(alg) + "/OU=z",
                              "-addext basicConstraints=critical,CA:TRUE");
        auto req = f.request(sk, kind, dev);
        req.valid_days = 365;
        auto r = f.eng->issue_sync(req);
        require_ok(r);
        BOOST_CHECK(r->authority == kind);
        BOOST_CHECK_EQUAL(
            std::chrono::duration_cast<std::chrono::seconds>(r->not_after - r->not_before).count(),
            365 * 86400);
        BOOST_CHECK(r->pem.rfind("-----BEGIN CERTIFICATE-----\n", 0) == 0);
        BOOST_CHECK(r->pem.size() > 30 &&
                    r->pem.substr(r->pem.size() - 26) == "-----END CERTIFICATE-----\n");

        const auto pem = f.dir / "issued.pem";
        std::ofstream(pem) << r->pem;
        BOOST_CHECK(has_engine(
            must_run("openssl verify -CAfile " + f.root_pem(kind).string() + " " + pem.string()),
            ": OK"));
        const auto text = must_run("openssl x509 -in " + pem.string() + " -noout -text");
        BOOST_CHECK(has_engine(text, "CA:FALSE"));
        BOOST_CHECK(has_engine(text, std::string("URI:http://127.0.0.1:8080/enos/CA/crl/") +
                                         ca::to_string(kind)));

        const auto row = f.eng->find_certificate(r->sn);
        BOOST_REQUIRE(row);
        BOOST_CHECK_EQUAL(row->authority, ca::to_string(kind));
        BOOST_CHECK_EQUAL(row->profile, "device");
        BOOST_CHECK(row->der == r->der);
        BOOST_CHECK(row->subject_der == sk.subject_der);
        BOOST_CHECK(row->subject_cn == sk.cn);
        BOOST_CHECK(row->spki_sha256 == sk.spki_sha256);
        BOOST_CHECK(row->device == dev);
        BOOST_CHECK(row->status == storage::certificate_status::valid);
        BOOST_CHECK_EQUAL(row->not_after - row->not_before, 365 * 86400);
        // The certificate's serial is the row's sn; its subject the CSR's bytes.
        const Botan::X509_Certificate cert(r->der);
        BOOST_CHECK_EQUAL(cert.serial_number().size(), 1u);
        BOOST_CHECK(Botan::BigInt::decode(cert.serial_number()) ==
                    Botan::BigInt(static_cast<std::uint64_t>(r->sn)));
        BOOST_CHECK(cert.raw_subject_dn() == sk.subject_der);
    }
}

BOOST_AUTO_TEST_CASE(serials_increase_and_survive_restart) {
    fixture_engine f;
    const auto sk = f.csr("a", "p256", "/CN=x");
    std::int64_t last = 0;
    for (int i = 0; i < 12; ++i) { // crosses a serial block (10)
        auto r = f.eng->issue_sync(f.request(sk, ca::authority_kind::ecc));
        require_ok(r);
        BOOST_CHECK_GT(r->sn, last);
        last = r->sn;
    }
    f.eng = std::make_unique<ca::engine>(f.dir.path(), *f.store, f.opts);
    auto r = f.eng->issue_sync(f.request(sk, ca::authority_kind::ecc));
    require_ok(r);
    BOOST_CHECK_GT(r->sn, last);
}

BOOST_AUTO_TEST_CASE(validity_and_key_policy) {
    fixture_engine f;
    const auto ec = f.csr("e", "p256", "/O=no-cn");
    auto req = f.request(ec, ca::authority_kind::ecc);
    req.valid_days = 0;
    require_error_engine(f.eng->issue_sync(req), ca::errc::validity_invalid);
    req.valid_days = -5;
    require_error_engine(f.eng->issue_sync(req), ca::errc::validity_invalid);
    req.valid_days = 31;
    req.max_valid_days = 30;
    require_error_engine(f.eng->issue_sync(req), ca::errc::validity_exceeds_maximum);
    req.valid_days = 30;
    require_ok(f.eng->issue_sync(req));

    // The ECC key at the RSA authority.
    require_error_engine(f.eng->issue_sync(f.request(ec, ca::authority_kind::rsa)),
                         ca::errc::key_not_allowed);
    // unique_subject needs a CN.
    auto unique = f.request(ec, ca::authority_kind::ecc);
    unique.unique_subject = true;
    require_error_engine(f.eng->issue_sync(unique), ca::errc::subject_missing_cn);

    // Clamped to the root's life.
    auto longer = f.request(ec, ca::authority_kind::ecc);
    longer.valid_days = 100000;
    auto r = f.eng->issue_sync(longer);
    require_ok(r);
    BOOST_CHECK_EQUAL(
        std::chrono::system_clock::to_time_t(r->not_after),
        static_cast<std::time_t>(
            f.eng->get(ca::authority_kind::ecc).cert().not_after().time_since_epoch()));
}

BOOST_AUTO_TEST_CASE(unique_subject_and_key) {
    fixture_engine f;
    const auto a = f.device("a");
    const auto b = f.device("b");
    const auto sk = f.csr("k1", "rsa2048", "/CN=device-1");
    const auto other_key = f.csr("k2", "rsa2048", "/CN=device-1");

    auto first = f.request(sk, ca::authority_kind::rsa, a);
    first.unique_subject = first.unique_key = true;
    auto r1 = f.eng->issue_sync(first);
    require_ok(r1);

    // Same CN for another device (or none): refused. For the same device: fine.
    auto dup = f.request(other_key, ca::authority_kind::rsa, b);
    dup.unique_subject = true;
    require_error_engine(f.eng->issue_sync(dup), ca::errc::duplicate_subject);
    dup.device.reset();
    require_error_engine(f.eng->issue_sync(dup), ca::errc::duplicate_subject);
    auto same_device = f.request(other_key, ca::authority_kind::rsa, a);
    same_device.unique_subject = true;
    require_ok(f.eng->issue_sync(same_device));

    // Same key, other CN, other device: key_in_use.
    const auto same_key = [&] {
        auto s = sk;
        s.cn = "something-else";
        return s;
    }();
    auto kreq = f.request(same_key, ca::authority_kind::rsa, b);
    kreq.unique_key = true;
    require_error_engine(f.eng->issue_sync(kreq), ca::errc::key_in_use);
    // Not checked when not asked for.
    kreq.unique_key = false;
    require_ok(f.eng->issue_sync(kreq));

    // Renewal of r1 for device b: its own certificate does not count... but same_device's does.
    auto renew = f.request(sk, ca::authority_kind::rsa, b);
    renew.unique_key = true;
    renew.renewing_sn = r1->sn;
    // kreq's certificate (device b) has the same key but is bound to b itself: fine.
    require_ok(f.eng->issue_sync(renew));
}

BOOST_AUTO_TEST_CASE(revoked_certificates_do_not_count_as_duplicates) {
    fixture_engine f;
    const auto a = f.device("a");
    const auto b = f.device("b");
    const auto sk = f.csr("k1", "p256", "/CN=dev");
    auto req = f.request(sk, ca::authority_kind::ecc, a);
    req.unique_subject = req.unique_key = true;
    auto r = f.eng->issue_sync(req);
    require_ok(r);
    req.device = b;
    require_error_engine(f.eng->issue_sync(req), ca::errc::duplicate_subject);
    BOOST_REQUIRE(f.eng->revoke_sync({r->sn, 4, a, {}}).ok());
    require_ok(f.eng->issue_sync(req));
}

BOOST_AUTO_TEST_CASE(both_checks_together_refuse_like_each_alone_cn_first) {
    // EnOS asks for both checks, which the writer makes in one statement: a duplicate CN wins
    // over a reused key, a reused key alone is refused as such, and a refusal writes nothing.
    fixture_engine f;
    const auto enos_like = [&](const ca::subject_key& sk, std::int64_t device) {
        auto req = f.request(sk, ca::authority_kind::ecc, device);
        req.unique_subject = req.unique_key = true;
        return req;
    };
    const auto audited = [&] {
        storage::statement_handle q(f.store->reader(), "SELECT count(*) FROM audit");
        q->step();
        return q->get_int64(0);
    };
    const auto a = f.device("a");
    const auto b = f.device("b");
    const auto sk = f.csr("k1", "p256", "/CN=both-1");
    require_ok(f.eng->issue_sync(enos_like(sk, a)));
    const auto entries = audited();

    require_error_engine(f.eng->issue_sync(enos_like(sk, b)), ca::errc::duplicate_subject);
    auto same_key = f.csr("k2", "p256", "/CN=both-2");
    same_key.spki_sha256 = sk.spki_sha256;
    same_key.spki_der = sk.spki_der;
    require_error_engine(f.eng->issue_sync(enos_like(same_key, b)), ca::errc::key_in_use);
    BOOST_TEST(audited() == entries);

    require_ok(f.eng->issue_sync(enos_like(f.csr("k3", "p256", "/CN=both-3"), b)));
    BOOST_TEST(audited() == entries + 1);
}

BOOST_AUTO_TEST_CASE(concurrent_issue_gives_unique_serials) {
    fixture_engine f;
    const auto sk = f.csr("k", "p256", "/CN=parallel");
    const auto rsk = f.csr("r", "rsa2048", "/CN=parallel-rsa");
    std::mutex m;
    std::set<std::int64_t> serials;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < 10; ++i) {
                const bool rsa = (t + i) % 2 == 0;
                auto r = f.eng->issue_sync(f.request(
                    rsa ? rsk : sk, rsa ? ca::authority_kind::rsa : ca::authority_kind::ecc));
                if (!r.ok()) {
                    ++failures;
                    continue;
                }
                std::lock_guard lock(m);
                serials.insert(r->sn);
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    BOOST_CHECK_EQUAL(failures.load(), 0);
    BOOST_CHECK_EQUAL(serials.size(), 40u);
    for (auto sn : serials) {
        BOOST_CHECK(f.eng->find_certificate(sn));
    }
}

BOOST_AUTO_TEST_CASE(concurrent_duplicates_only_one_wins) {
    fixture_engine f;
    std::vector<std::int64_t> devices;
    for (int i = 0; i < 6; ++i) {
        devices.push_back(f.device(localca::test::numbered("d", i)));
    }
    const auto sk = f.csr("k", "p256", "/CN=contested");
    std::latch start(6);
    std::atomic<int> ok{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
        threads.emplace_back([&, i] {
            auto req = f.request(sk, ca::authority_kind::ecc, devices[i]);
            req.unique_subject = true;
            start.arrive_and_wait();
            auto r = f.eng->issue_sync(req);
            if (r.ok()) {
                ++ok;
            } else if (r.err().code == ca::errc::duplicate_subject) {
                ++refused;
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    BOOST_CHECK_EQUAL(ok.load(), 1);
    BOOST_CHECK_EQUAL(refused.load(), 5);
    storage::statement_handle q(f.store->reader(),
                                "SELECT count(*) FROM certificates WHERE subject_cn = 'contested'");
    BOOST_REQUIRE(q->step());
    BOOST_CHECK_EQUAL(q->get_int64(0), 1);
}

BOOST_AUTO_TEST_CASE(revoke_updates_the_crl) {
    fixture_engine f;
    const auto dev = f.device("a");
    const auto other = f.device("b");
    const auto sk = f.csr("k", "rsa2048", "/CN=to-revoke");
    auto r = f.eng->issue_sync(f.request(sk, ca::authority_kind::rsa, dev));
    require_ok(r);

    BOOST_CHECK(code_of_engine(f.eng->revoke_sync({r->sn, 2, {}, {}})) == ca::errc::invalid_reason);
    BOOST_CHECK(code_of_engine(f.eng->revoke_sync({r->sn, 7, {}, {}})) == ca::errc::invalid_reason);
    BOOST_CHECK(code_of_engine(f.eng->revoke_sync({r->sn + 1000, 1, {}, {}})) ==
                ca::errc::certificate_not_found);
    BOOST_CHECK(code_of_engine(f.eng->revoke_sync({r->sn, 1, other, {}})) ==
                ca::errc::certificate_not_bound);
    BOOST_CHECK(f.eng->find_certificate(r->sn)->status == storage::certificate_status::valid);

    BOOST_REQUIRE(f.eng->revoke_sync({r->sn, 1, dev, {}}).ok());
    BOOST_CHECK(code_of_engine(f.eng->revoke_sync({r->sn, 1, dev, {}})) ==
                ca::errc::already_revoked);
    const auto row = f.eng->find_certificate(r->sn);
    BOOST_CHECK(row->status == storage::certificate_status::revoked);
    BOOST_CHECK(row->revocation_reason == 1);

    const auto crl = f.eng->crl_der(ca::authority_kind::rsa);
    write_bytes(f.dir / "crl.der", crl);
    const auto text =
        must_run("openssl crl -inform DER -in " + (f.dir / "crl.der").string() + " -CAfile " +
                 f.root_pem(ca::authority_kind::rsa).string() + " -noout -text");
    BOOST_CHECK(has_engine(text, "verify OK"));
    char serial[32];
    std::snprintf(serial, sizeof serial, "Serial Number: %02llX\n",
                  static_cast<unsigned long long>(r->sn));
    BOOST_CHECK(has_engine(text, serial));
    BOOST_CHECK(has_engine(text, "Key Compromise"));
    BOOST_CHECK(has_engine(text, "X509v3 CRL Number: \n                2\n"));
    BOOST_CHECK_EQUAL(Botan::X509_CRL(crl).crl_number(), 2u);

    // openssl now refuses the certificate when checking the CRL.
    std::ofstream(f.dir / "cert.pem") << r->pem;
    must_run("openssl crl -inform DER -in " + (f.dir / "crl.der").string() + " -out " +
             (f.dir / "crl.pem").string());
    const auto verify =
        run("openssl verify -crl_check -CAfile " + f.root_pem(ca::authority_kind::rsa).string() +
            " -CRLfile " + (f.dir / "crl.pem").string() + " " + (f.dir / "cert.pem").string());
    BOOST_CHECK(verify.status != 0);
    BOOST_CHECK(has_engine(verify.output, "certificate revoked"));

    // The other authority's CRL is untouched.
    BOOST_CHECK_EQUAL(Botan::X509_CRL(f.eng->crl_der(ca::authority_kind::ecc)).crl_number(), 1u);

    // Reason 0 has no reason extension; the CRL lists both.
    auto r2 = f.eng->issue_sync(f.request(sk, ca::authority_kind::rsa));
    require_ok(r2);
    BOOST_REQUIRE(f.eng->revoke_sync({r2->sn, 0, {}, {}}).ok());
    const Botan::X509_CRL crl3(f.eng->crl_der(ca::authority_kind::rsa));
    BOOST_CHECK_EQUAL(crl3.crl_number(), 3u);
    BOOST_CHECK_EQUAL(crl3.get_revoked().size(), 2u);
}

BOOST_AUTO_TEST_CASE(stale_crl_is_resigned_when_fetched) {
    ca::options opts;
    opts.crl_next_update = std::chrono::seconds(2);
    fixture_engine f(opts);
    const auto first = f.eng->crl_der(ca::authority_kind::ecc);
    BOOST_CHECK_EQUAL(Botan::X509_CRL(first).crl_number(), 1u);
    BOOST_CHECK(f.eng->crl_der(ca::authority_kind::ecc) == first); // still fresh
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    const auto second = f.eng->crl_der(ca::authority_kind::ecc);
    const Botan::X509_CRL crl(second);
    BOOST_CHECK_EQUAL(crl.crl_number(), 2u);
    BOOST_CHECK(
        crl.check_signature(*f.eng->get(ca::authority_kind::ecc).cert().load_subject_public_key()));
    BOOST_CHECK(f.eng->crl_der(ca::authority_kind::ecc) == second);
    BOOST_CHECK_EQUAL(storage::find_authority(f.store->reader(), "ECC")->crl_number, 2);
}

// The node's health: the database answers, or it does not and the backend is named (the file
// overwritten with garbage, read from a thread whose connection opens it afresh).
BOOST_AUTO_TEST_CASE(check_database_names_a_database_that_does_not_answer) {
    fixture_engine f;
    const auto healthy = f.eng->check_database();
    BOOST_CHECK(healthy.ok);
    BOOST_CHECK_EQUAL(std::string(healthy.backend), "sqlite");
    BOOST_CHECK(healthy.problem.empty());
    f.store->writer().stop();
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(f.dir / (std::string("localca.db") + suffix));
    }
    std::ofstream(f.dir / "localca.db", std::ios::binary) << std::string(8192, '\x5a');
    ca::engine::database_health sick;
    std::thread([&] { sick = f.eng->check_database(); }).join();
    BOOST_CHECK(!sick.ok);
    BOOST_CHECK_EQUAL(std::string(sick.backend), "sqlite");
    BOOST_CHECK(!sick.problem.empty());
}

BOOST_AUTO_TEST_SUITE_END()
