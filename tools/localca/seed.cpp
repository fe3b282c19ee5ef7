#include "tools/localca/seed.hpp"

#include "ca/audit.hpp"
#include "ca/enos/app_secret.hpp"
#include "ca/enos/device_management.hpp"

#include "server/lab/faults.hpp"
#include "storage/enos/device_repository.hpp"
#include "storage/enos/tenant_repository.hpp"
#include "tools/localca/json_reader.hpp"

#include <map>
#include <set>
#include <stdexcept>

namespace localca::tools {

namespace {

seed_org parse_org(const json_node& n, std::set<std::string>& app_keys) {
    n.require_object({"orgId", "apps", "products"});
    seed_org org;
    org.org_id = n.at("orgId").as_nonempty_string();
    if (auto apps = n.find("apps")) {
        for (std::size_t i = 0; i < apps->array_size(); ++i) {
            const auto a = (*apps)[i];
            a.require_object({"appKey", "appSecret"});
            seed_app app{a.at("appKey").as_nonempty_string(),
                         a.at("appSecret").as_nonempty_string()};
            if (!app_keys.insert(app.app_key).second) {
                a.at("appKey").fail("duplicate appKey '" + app.app_key + "'");
            }
            org.apps.push_back(std::move(app));
        }
    }
    std::set<std::string> product_keys;
    std::set<std::string> asset_ids;
    if (auto products = n.find("products")) {
        for (std::size_t i = 0; i < products->array_size(); ++i) {
            const auto p = (*products)[i];
            p.require_object({"productKey", "biDirectionalAuth", "maxValidDay", "devices"});
            seed_product prod;
            prod.product_key = p.at("productKey").as_nonempty_string();
            if (!product_keys.insert(prod.product_key).second) {
                p.at("productKey").fail("duplicate productKey '" + prod.product_key + "' in org");
            }
            prod.bi_directional_auth = p.at("biDirectionalAuth").as_bool();
            prod.max_valid_day = p.at("maxValidDay").as_positive_integer();
            std::set<std::string> device_keys;
            if (auto devices = p.find("devices")) {
                for (std::size_t j = 0; j < devices->array_size(); ++j) {
                    const auto d = (*devices)[j];
                    d.require_object({"deviceKey", "assetId", "deviceSecret", "fixtures"});
                    seed_device dev{d.at("deviceKey").as_nonempty_string(),
                                    d.at("assetId").as_nonempty_string(),
                                    std::nullopt,
                                    {}};
                    if (auto fixtures = d.find("fixtures")) {
                        dev.fixtures = parse_fixtures(*fixtures);
                    }
                    if (auto secret = d.find("deviceSecret")) {
                        dev.device_secret = secret->as_nonempty_string();
                    }
                    if (!device_keys.insert(dev.device_key).second) {
                        d.at("deviceKey").fail("duplicate deviceKey '" + dev.device_key +
                                               "' in product '" + prod.product_key + "'");
                    }
                    if (!asset_ids.insert(dev.asset_id).second) {
                        d.at("assetId").fail("duplicate assetId '" + dev.asset_id +
                                             "' in org '" + org.org_id + "'");
                    }
                    prod.devices.push_back(std::move(dev));
                }
            }
            org.products.push_back(std::move(prod));
        }
    }
    return org;
}

} // namespace

seed_data parse_seed(std::string_view text) {
    const auto doc = parse_json_text(text, "seed file");
    const json_node root(doc, "");
    root.require_object({"enos", "emca", "foundry", "lab"});
    seed_data data;
    std::set<std::string> org_ids;
    std::set<std::string> app_keys;
    if (auto enos = root.find("enos")) {
        enos->require_object({"orgs"});
        if (auto orgs = enos->find("orgs")) {
            for (std::size_t i = 0; i < orgs->array_size(); ++i) {
                auto org = parse_org((*orgs)[i], app_keys);
                if (!org_ids.insert(org.org_id).second) {
                    (*orgs)[i].at("orgId").fail("duplicate orgId '" + org.org_id + "'");
                }
                data.orgs.push_back(std::move(org));
            }
        }
    }
    if (auto emca = root.find("emca")) {
        data.emca = parse_seed_emca(*emca);
    }
    if (auto foundry = root.find("foundry")) {
        data.foundry = parse_seed_foundry(*foundry);
    }
    if (auto lab = root.find("lab")) {
        lab->require_object({"faults"});
        if (auto faults = lab->find("faults")) {
            boost::json::array rules;
            for (std::size_t i = 0; i < faults->array_size(); ++i) {
                const auto parsed = server::lab::parse_fault_rule((*faults)[i].raw());
                if (!parsed.rule) {
                    (*faults)[i].fail(parsed.field + ": " + parsed.error);
                }
                rules.push_back((*faults)[i].raw());
            }
            data.lab_faults = boost::json::serialize(rules);
        }
    }
    return data;
}

// The EnOS device API's details of a seeded device: created with its secret (the seed's, else a
// random one) when missing; the secret replaced when the seed gives another.
static void seed_device_secret(storage::connection& db, const ca::secret_box& secrets,
                               std::int64_t device_id, const seed_device& dev, std::int64_t now_ms,
                               bool* changed) {
    const auto existing = storage::enos::find_device_details(db, device_id);
    if (!existing) {
        storage::enos::insert_device_details(
            db, ca::enos::default_details(secrets, device_id, dev.device_key, now_ms,
                                          dev.device_secret));
        *changed = true;
        return;
    }
    if (!dev.device_secret) {
        return;
    }
    const auto* secret = reinterpret_cast<const std::uint8_t*>(dev.device_secret->data());
    const auto context = ca::enos::device_secret_context(device_id);
    const auto sealed = ca::reseal(secrets, &existing->secret_sealed,
                                   std::span(secret, dev.device_secret->size()), context);
    if (sealed != existing->secret_sealed) {
        storage::enos::update_device_secret(db, device_id, sealed);
        *changed = true;
    }
}

seed_report apply_seed(storage::store& store, const seed_data& data,
                       const ca::secret_box& secrets, const ca::clock& clk) {
    seed_report report;
    store.writer().run([&](storage::connection& db) {
        report = {};
        auto count = [&](bool changed) {
            changed ? ++report.inserted_or_changed : ++report.unchanged;
        };
        for (const auto& org : data.orgs) {
            bool changed = false;
            const auto org_id = storage::enos::upsert_org(db, org.org_id, &changed);
            count(changed);
            for (const auto& app : org.apps) {
                const auto existing = storage::enos::find_app(db, app.app_key);
                if (existing && existing->org != org_id) {
                    throw std::runtime_error("appKey '" + app.app_key +
                                             "' already belongs to another org");
                }
                const auto* secret = reinterpret_cast<const std::uint8_t*>(app.app_secret.data());
                const auto sealed =
                    ca::reseal(secrets, existing ? &existing->app_secret_sealed : nullptr,
                               std::span(secret, app.app_secret.size()),
                               ca::enos::app_secret_context(app.app_key));
                storage::enos::upsert_app(db, org_id, app.app_key, sealed, &changed);
                count(changed);
            }
            for (const auto& prod : org.products) {
                const auto product_id = storage::enos::upsert_product(db, org_id, prod.product_key,
                                                                      prod.bi_directional_auth,
                                                                      prod.max_valid_day, &changed);
                count(changed);
                for (const auto& dev : prod.devices) {
                    if (auto other = storage::enos::find_device_by_asset(db, org_id, dev.asset_id);
                        other &&
                        (other->product != product_id || other->device_key != dev.device_key)) {
                        throw std::runtime_error("assetId '" + dev.asset_id + "' of org '" +
                                                 org.org_id +
                                                 "' already belongs to another device");
                    }
                    const auto device_id = storage::enos::upsert_device(
                        db, org_id, product_id, dev.device_key, dev.asset_id, &changed);
                    seed_device_secret(db, secrets, device_id, dev, clk.now_ms(), &changed);
                    count(changed);
                }
            }
        }
        apply_seed_emca(db, data.emca, secrets, count);
        apply_seed_foundry(db, data.foundry, count);
        ca::audit_event e; // the seed load, in its own transaction
        e.actor = "cli";
        e.action = "seed";
        ca::append_audit(db, e, clk);
    });
    return report;
}

} // namespace localca::tools
