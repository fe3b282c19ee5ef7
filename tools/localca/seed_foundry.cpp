#include "tools/localca/seed_foundry.hpp"

#include "ca/foundry/account_registry.hpp"
#include "server/foundry/options.hpp"
#include "storage/foundry/account_repository.hpp"

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
                    const auto d = (*list)[j];
                    auto device = d.as_nonempty_string();
                    if (has_control_character(device)) {
                        d.fail("must not contain control characters");
                    }
                    if (!devices.insert(device).second) {
                        d.fail("duplicate deviceId '" + device + "' in account '" +
                               account.account_id + "'");
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

} // namespace localca::tools
