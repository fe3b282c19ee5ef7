#include "ca/foundry/account_registry.hpp"

#include "ca/fingerprint.hpp"
#include "storage/foundry/account_repository.hpp"

namespace localca::ca::foundry {

std::vector<std::uint8_t> token_digest(std::string_view token) {
    return sha256(token);
}

std::optional<account_info> account_registry::find_by_token(std::string_view token) {
    const auto row = storage::foundry::find_account_by_token(m_store.reader(), token_digest(token));
    if (!row) {
        return std::nullopt;
    }
    return account_info{row->id, row->account_id, row->region};
}

bool account_registry::has_device(std::int64_t account, const std::string& device_id) {
    return storage::foundry::find_account_device(m_store.reader(), account, device_id).has_value();
}

bool account_registry::any_account() {
    return storage::foundry::count_accounts(m_store.reader()) > 0;
}

} // namespace localca::ca::foundry
