#pragma once
// Accounts of the managed-certificate APIs: who a bearer token belongs to, and the account's
// devices. For the personalities, which never run SQL themselves. All calls block on SQLite:
// worker threads only.
#include "storage/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace localca::ca::foundry {

struct account_info {
    std::int64_t id = 0;               // internal id, what the services take
    std::string account_id;            // external id, e.g. "123456789012"
    std::optional<std::string> region; // none: the personality's default
};

class account_registry {
public:
    explicit account_registry(storage::store& store) : m_store(store) {}

    // The account owning the token (compared as SHA-256: tokens are stored hashed only).
    std::optional<account_info> find_by_token(std::string_view token);
    bool has_device(std::int64_t account, const std::string& device_id);
    bool any_account();

private:
    storage::store& m_store;
};

// What the database keeps of a token: its SHA-256.
std::vector<std::uint8_t> token_digest(std::string_view token);

} // namespace localca::ca::foundry
