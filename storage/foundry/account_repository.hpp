#pragma once
// Accounts of the managed-certificate APIs, their bearer tokens (stored as SHA-256) and their
// devices. Seeded by `localca seed`; looked up by the personalities through ca/.
#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage::foundry {

struct account_row {
    std::int64_t id = 0;
    std::string account_id;
    std::optional<std::string> region; // none: the server's default
};

// Upserts keyed by the natural key; *changed says whether a row was inserted or modified.
std::int64_t upsert_account(connection& db, const std::string& account_id,
                            const std::optional<std::string>& region, bool* changed = nullptr);
// Keyed by the token hash. A hash that belongs to another account is moved to this one: callers
// that must refuse that (the seed) check token_owner() first.
void upsert_account_token(connection& db, std::int64_t account,
                          const std::vector<std::uint8_t>& token_sha256, bool* changed = nullptr);
std::int64_t upsert_account_device(connection& db, std::int64_t account,
                                   const std::string& device_id, bool* changed = nullptr);

// accounts.id of the token's account, or nullopt.
std::optional<std::int64_t> token_owner(connection& db,
                                        const std::vector<std::uint8_t>& token_sha256);
std::optional<account_row> find_account_by_token(connection& db,
                                                 const std::vector<std::uint8_t>& token_sha256);
std::optional<account_row> find_account_by_id(connection& db, std::int64_t id);
// account_devices.id, or nullopt when the account has no such device.
std::optional<std::int64_t> find_account_device(connection& db, std::int64_t account,
                                                const std::string& device_id);
std::int64_t count_accounts(connection& db);

} // namespace localca::storage::foundry
