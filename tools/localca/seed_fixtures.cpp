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

fixture_report issue_fixtures(ca::engine& engine, const seed_data& data) {
    fixture_report report;
    ca::enos::registry registry(engine.store(), engine.secrets());
    ca::enos::device_service devices(engine, registry);
    Botan::AutoSeeded_RNG rng;
    const ca::audit_context audit{"seed", "", "fixture"};
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
                for (const auto& fx : d.fixtures) {
                    const auto key = fresh_key(fx.authority, rng);
                    ca::issue_request req;
                    req.api = "enos";
                    req.authority = fx.authority;
                    req.subject = ca::subject_key_of_key(*key, fx.authority, d.device_key,
                                                         "LocalCA lab fixture");
                    req.valid_days = fx.valid_days;
                    req.not_before = engine.clock().now() - std::chrono::days(fx.issued_days_ago);
                    req.device = dev->id;
                    req.unique_key = true;
                    req.audit = audit;
                    req.profile.authority_info_access = engine.opts().aia_for("enos");
                    // A fixture issued 400 days ago predates a root made at `init`: its
                    // profile's name lets it (ca/lab_fixture.hpp).
                    req.profile.name = std::string(ca::k_lab_fixture_profile);
                    const auto issued = engine.issue_sync(std::move(req));
                    if (!issued) {
                        throw std::runtime_error(name +
                                                 ": fixture refused: " + issued.err().detail);
                    }
                    ++report.issued;
                    if (fx.revoked) {
                        const auto st = engine.revoke_sync(ca::revoke_request{
                            issued->sn, *fx.revoked, dev->id, ca::audit_context{"seed", "", ""}});
                        if (!st) {
                            throw std::runtime_error(name + ": fixture " +
                                                     std::to_string(issued->sn) +
                                                     " not revoked: " + st.err().detail);
                        }
                        ++report.revoked;
                    }
                }
            }
        }
    }
    return report;
}

} // namespace localca::tools
