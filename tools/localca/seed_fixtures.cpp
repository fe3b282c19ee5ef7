#include "tools/localca/seed_fixtures.hpp"

#include "ca/bulk_revocation.hpp"
#include "ca/enos/device_service.hpp"
#include "ca/enos/registry.hpp"
#include "ca/generated_key.hpp"
#include "ca/lab_fixture.hpp"
#include "tools/localca/seed.hpp"

#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/rsa.h>

#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>

namespace localca::tools {

std::vector<seed_fixture> parse_fixtures(const json_node& n) {
    std::vector<seed_fixture> out;
    for (std::size_t i = 0; i < n.array_size(); ++i) {
        const auto f = n[i];
        f.require_object({"authority", "validDays", "issuedDaysAgo", "revoked"});
        seed_fixture fx;
        if (auto a = f.find("authority")) {
            const auto kind = ca::parse_authority(a->as_nonempty_string());
            if (!kind) {
                a->fail("must be RSA or ECC");
            }
            fx.authority = *kind;
        }
        fx.valid_days = f.at("validDays").as_positive_integer();
        if (auto ago = f.find("issuedDaysAgo")) {
            fx.issued_days_ago = ago->as_integer_in(0, 36500);
        }
        if (auto r = f.find("revoked")) {
            fx.revoked = ca::parse_reason(r->as_nonempty_string());
            if (!fx.revoked) {
                r->fail("must be a revocation reason such as keyCompromise, superseded, "
                        "cessationOfOperation");
            }
        }
        out.push_back(fx);
    }
    return out;
}

namespace {

std::unique_ptr<Botan::Private_Key> fresh_key(ca::authority_kind kind,
                                              Botan::RandomNumberGenerator& rng) {
    if (kind == ca::authority_kind::ecc) {
        return std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
    }
    return std::make_unique<Botan::RSA_PrivateKey>(rng, 2048);
}

std::string device_name(const std::string& org, const std::string& product,
                        const std::string& device) {
    return "EnOS device " + org + "/" + product + "/" + device;
}

} // namespace

std::vector<ca::issued_certificate> issue_owner_fixtures(ca::engine& engine,
                                                         const std::vector<seed_fixture>& fixtures,
                                                         const fixture_owner& owner,
                                                         fixture_report& report) {
    Botan::AutoSeeded_RNG rng;
    std::vector<ca::issue_request> reqs;
    for (const auto& fx : fixtures) {
        const auto key = fresh_key(fx.authority, rng);
        ca::issue_request req;
        req.api = owner.api;
        req.authority = fx.authority;
        req.subject =
            ca::subject_key_of_key(*key, fx.authority, owner.common_name, "LocalCA lab fixture");
        req.valid_days = fx.valid_days;
        req.not_before = engine.clock().now() - std::chrono::days(fx.issued_days_ago);
        req.device = owner.device;
        req.audit = ca::audit_context{"seed", "", "fixture"};
        req.profile.authority_info_access = engine.opts().aia_for(owner.api);
        // A fixture issued 400 days ago predates a root made at `init`: its profile's name
        // lets it (ca/lab_fixture.hpp).
        req.profile.name = std::string(ca::k_lab_fixture_profile);
        reqs.push_back(std::move(req));
    }
    // One transaction with the owner's binding: a fixture is never durable without it.
    std::promise<ca::result<std::vector<ca::issued_certificate>>> promise;
    auto future = promise.get_future();
    engine.issue_batch(std::move(reqs), owner.bind,
                       [&promise](ca::result<std::vector<ca::issued_certificate>> r) {
                           promise.set_value(std::move(r));
                       });
    auto issued = future.get();
    if (!issued) {
        throw std::runtime_error(owner.name + ": fixture refused: " + issued.err().detail);
    }
    report.issued += static_cast<int>(issued->size());
    for (std::size_t i = 0; i < fixtures.size(); ++i) {
        if (!fixtures[i].revoked) {
            continue;
        }
        const auto sn = issued.value()[i].sn;
        const auto st = engine.revoke_sync(
            ca::revoke_request{sn, *fixtures[i].revoked, owner.device, {"seed", "", ""}},
            owner.on_revoke);
        if (!st) {
            throw std::runtime_error(owner.name + ": fixture " + std::to_string(sn) +
                                     " not revoked: " + st.err().detail);
        }
        ++report.revoked;
    }
    return std::move(issued.value());
}

fixture_report issue_fixtures(ca::engine& engine, const seed_data& data) {
    fixture_report report;
    ca::enos::registry registry(engine.store(), engine.secrets());
    ca::enos::device_service devices(engine, registry);
    for (const auto& org : data.orgs) {
        for (const auto& product : org.products) {
            for (const auto& d : product.devices) {
                if (d.fixtures.empty()) {
                    continue;
                }
                const auto name = device_name(org.org_id, product.product_key, d.device_key);
                const ca::enos::device_ref ref{org.org_id, std::nullopt, product.product_key,
                                               d.device_key};
                const auto dev = devices.find_device(ref);
                const auto existing = devices.list(ref);
                if (!dev || !existing) {
                    throw std::runtime_error(name + ": not found after seeding");
                }
                if (!existing->empty()) {
                    continue; // seeded before: its fixtures exist (or it has lived since)
                }
                issue_owner_fixtures(engine, d.fixtures,
                                     fixture_owner{"enos", name, d.device_key, dev->id, {}, {}},
                                     report);
            }
        }
    }
    issue_foundry_fixtures(engine, data.foundry, report);
    issue_emca_fixtures(engine, data.emca, report);
    return report;
}

} // namespace localca::tools
