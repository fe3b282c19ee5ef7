#pragma once
// A data dir with an initialised store and CA, the managed-certificate service on it, and two
// seeded accounts: a ("111111111111", token "token-a", devices d1 and d2) and b ("222222222222",
// region eu-west-1, token "token-b", device d1: same name as a's, another device).
#include "ca/foundry/account_registry.hpp"
#include "ca/foundry/key_pool.hpp"
#include "ca/foundry/managed_certificate_service.hpp"
#include "server/foundry/profile.hpp"
#include "storage/foundry/account_repository.hpp"
#include "test_support.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace localca::test {

struct foundry_fixture {
    temp_dir dir;
    std::unique_ptr<storage::store> store;
    std::unique_ptr<ca::engine> engine;
    ca::foundry::key_pool keys{0};
    std::unique_ptr<ca::foundry::managed_certificate_service> service;
    struct {
        std::int64_t a = 0;
        std::int64_t b = 0;
    } acct;

    // On `clk` (the real clock unless a test brings a settable one).
    explicit foundry_fixture(std::shared_ptr<const ca::clock> clk = ca::real_time()) {
        storage::options so;
        so.path = dir / "localca.db";
        so.durable = false;
        store = std::make_unique<storage::store>(so);
        ca::engine::initialize(dir.path(), *store, {}, *clk);
        ca::options opts;
        opts.crl_url_template = "{base}/enos/CA/crl/{authority}"; // the server's default
        engine = std::make_unique<ca::engine>(dir.path(), *store, opts, clk);
        service = std::make_unique<ca::foundry::managed_certificate_service>(*engine, keys);
        store->writer().run([&](storage::connection& db) {
            acct.a = storage::foundry::upsert_account(db, "111111111111", std::nullopt);
            storage::foundry::upsert_account_token(db, acct.a,
                                                   ca::foundry::token_digest("token-a"));
            storage::foundry::upsert_account_device(db, acct.a, "d1");
            storage::foundry::upsert_account_device(db, acct.a, "d2");
            acct.b = storage::foundry::upsert_account(db, "222222222222", std::string("eu-west-1"));
            storage::foundry::upsert_account_token(db, acct.b,
                                                   ca::foundry::token_digest("token-b"));
            storage::foundry::upsert_account_device(db, acct.b, "d1");
        });
    }
    ~foundry_fixture() {
        service.reset();
        engine.reset();
        store.reset();
    }

    // A certificate with Foundry's profile; fails the test when the service refuses.
    ca::foundry::created_certificate create(std::int64_t account,
                                            std::optional<std::vector<std::string>> topics = {},
                                            std::optional<std::string> cn = {}) {
        ca::foundry::managed_create_request req;
        req.account = account;
        req.topics = std::move(topics);
        req.common_name = std::move(cn);
        req.profile = server::foundry::device_certificate_profile();
        auto r = service->create(std::move(req));
        BOOST_REQUIRE_MESSAGE(r.ok(), (r.ok() ? "" : r.err().detail));
        return r.value();
    }

    std::string write(const std::string& name, const std::string& text) {
        const auto p = dir / name;
        std::ofstream(p) << text;
        return p.string();
    }
};

} // namespace localca::test
