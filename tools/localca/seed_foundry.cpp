#include "tools/localca/seed_foundry.hpp"

#include "ca/fingerprint.hpp"
#include "ca/foundry/account_registry.hpp"
#include "ca/uuid.hpp"
#include "server/foundry/options.hpp"
#include "storage/foundry/account_repository.hpp"
#include "storage/foundry/managed_certificate_repository.hpp"

#include <set>
#include <stdexcept>

namespace localca::tools {

namespace {

bool is_account_id(const std::string& s) {
    return s.size() == 12 && s.find_first_not_of("0123456789") == std::string::npos;
}

// Tokens travel in an HTTP header: visible ASCII without spaces.
bool is_token(const std::string& s) {
    for (const char c : s) {
        if (c < 0x21 || c > 0x7E) {
            return false;
        }
    }
    return !s.empty();
}

bool has_control_character(const std::string& s) {
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            return true;
        }
    }
    return false;
}

} // namespace

seed_foundry parse_seed_foundry(const json_node& n) {
    n.require_object({"region", "accounts"});
    seed_foundry out;
    if (auto v = n.find("region")) {
        out.region = v->as_string();
        if (!server::foundry::valid_region(*out.region)) {
            v->fail("must be an AWS region name such as us-east-1");
        }
    }
    std::set<std::string> account_ids;
    std::set<std::string> tokens;
    if (auto accounts = n.find("accounts")) {
        for (std::size_t i = 0; i < accounts->array_size(); ++i) {
            const auto a = (*accounts)[i];
            a.require_object({"accountId", "tokens", "devices"});
            seed_foundry_account account;
            const auto id = a.at("accountId");
            account.account_id = id.as_nonempty_string();
            if (!is_account_id(account.account_id)) {
                id.fail("must be 12 digits");
            }
            if (!account_ids.insert(account.account_id).second) {
                id.fail("duplicate accountId '" + account.account_id + "'");
            }
            if (auto list = a.find("tokens")) {
                for (std::size_t j = 0; j < list->array_size(); ++j) {
                    const auto t = (*list)[j];
                    auto token = t.as_nonempty_string();
                    if (!is_token(token)) {
                        t.fail("must be visible ASCII characters without spaces");
                    }
                    if (!tokens.insert(token).second) {
                        t.fail("duplicate token (a token belongs to one account)");
                    }
                    account.tokens.push_back(std::move(token));
                }
            }
            std::set<std::string> devices;
            if (auto list = a.find("devices")) {
                for (std::size_t j = 0; j < list->array_size(); ++j) {
                    auto d = (*list)[j];
                    std::vector<seed_fixture> fixtures;
                    if (d.raw().is_object()) {
                        d.require_object({"deviceId", "fixtures"});
                        if (auto f = d.find("fixtures")) {
                            fixtures = parse_fixtures(*f);
                            for (std::size_t k = 0; k < fixtures.size(); ++k) {
                                if (fixtures[k].authority != ca::authority_kind::rsa) {
                                    (*f)[k]
                                        .at("authority")
                                        .fail("must be RSA (Foundry issues RSA certificates only)");
                                }
                            }
                        }
                        d = d.at("deviceId");
                    }
                    auto device = d.as_nonempty_string();
                    if (has_control_character(device)) {
                        d.fail("must not contain control characters");
                    }
                    if (!devices.insert(device).second) {
                        d.fail("duplicate deviceId '" + device + "' in account '" +
                               account.account_id + "'");
                    }
                    if (!fixtures.empty()) {
                        account.fixtures[device] = std::move(fixtures);
                    }
                    account.devices.push_back(std::move(device));
                }
            }
            out.accounts.push_back(std::move(account));
        }
    }
    return out;
}

void apply_seed_foundry(storage::connection& db, const seed_foundry& data,
                        const std::function<void(bool)>& count) {
    for (const auto& account : data.accounts) {
        bool changed = false;
        const auto id =
            storage::foundry::upsert_account(db, account.account_id, data.region, &changed);
        count(changed);
        for (const auto& token : account.tokens) {
            const auto digest = ca::foundry::token_digest(token);
            if (auto owner = storage::foundry::token_owner(db, digest); owner && *owner != id) {
                throw std::runtime_error("a token of Foundry account '" + account.account_id +
                                         "' already belongs to another account");
            }
            storage::foundry::upsert_account_token(db, id, digest, &changed);
            count(changed);
        }
        for (const auto& device : account.devices) {
            storage::foundry::upsert_account_device(db, id, device, &changed);
            count(changed);
        }
    }
}

void issue_foundry_fixtures(ca::engine& engine, const seed_foundry& data, fixture_report& report) {
    for (const auto& account : data.accounts) {
        for (const auto& entry : account.fixtures) {
            // Named, not a structured binding: the lambda below captures it (clang 14 cannot
            // capture a structured binding).
            const auto& device_id = entry.first;
            const auto& fixtures = entry.second;
            // The seed's own upserts, unchanged by now: they name the rows without a lookup
            // by accountId (which the repository does not offer).
            std::int64_t account_row = 0;
            std::int64_t device_row = 0;
            bool has_certificate = false;
            engine.store().writer().run([&](storage::connection& db) {
                account_row = storage::foundry::upsert_account(db, account.account_id, data.region);
                device_row = storage::foundry::upsert_account_device(db, account_row, device_id);
                has_certificate = storage::foundry::device_has_certificate(db, device_row);
            });
            if (has_certificate) {
                continue; // seeded before: its fixtures exist (or it has lived since)
            }
            fixture_owner owner;
            owner.api = "foundry";
            owner.name = "Foundry device " + account.account_id + "/" + device_id;
            // A random CN like generate's, so that brokers tell certificates apart.
            owner.common_name = ca::random_uuid();
            owner.bind = [account_row, device_row](storage::connection& db,
                                                   const std::vector<ca::issued_certificate>& all) {
                for (const auto& c : all) {
                    storage::foundry::insert_managed_certificate(
                        db, c.sn, account_row, ca::certificate_id(c.der), false, {});
                    storage::foundry::update_managed_certificate(db, c.sn, false, device_row, {});
                }
            };
            // The association stays on a revoked fixture: the API hides it (a REVOKED certificate
            // has no device), and it keeps a second seed from issuing the fixtures again.
            issue_owner_fixtures(engine, fixtures, owner, report);
        }
    }
}

} // namespace localca::tools
