#include "storage/foundry/account_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"

namespace localca::storage::foundry {

namespace {

std::optional<account_row> read_account(statement& q) {
    if (!q.step()) {
        return std::nullopt;
    }
    return account_row{q.get_int64(0), q.get_string(1), q.get_optional_string(2)};
}

} // namespace

std::int64_t upsert_account(connection& db, const std::string& account_id,
                            const std::optional<std::string>& region, bool* changed) {
    const auto bind_key = [&](statement& q) { q.bind(1, account_id); };
    const auto bind_all = [&](statement& q) {
        bind_key(q);
        sql::bind_optional(q, 2, region);
    };
    return sql::upsert(db,
                       "INSERT INTO accounts (account_id, region) VALUES (?1, ?2) "
                       "ON CONFLICT (account_id) DO UPDATE SET region = excluded.region "
                       "WHERE accounts.region IS DISTINCT FROM excluded.region RETURNING id",
                       bind_all, "SELECT id FROM accounts WHERE account_id = ?1", bind_key,
                       changed);
}

void upsert_account_token(connection& db, std::int64_t account,
                          const std::vector<std::uint8_t>& token_sha256, bool* changed) {
    const auto bind_key = [&](statement& q) { q.bind_blob(1, token_sha256); };
    const auto bind_all = [&](statement& q) {
        bind_key(q);
        q.bind(2, account);
    };
    // The table has no rowid: the account column stands in for the id that upsert() returns.
    sql::upsert(db,
                "INSERT INTO account_tokens (token_sha256, account) VALUES (?1, ?2) "
                "ON CONFLICT (token_sha256) DO UPDATE SET account = excluded.account "
                "WHERE account_tokens.account IS DISTINCT FROM excluded.account RETURNING account",
                bind_all, "SELECT account FROM account_tokens WHERE token_sha256 = ?1", bind_key,
                changed);
}

std::int64_t upsert_account_device(connection& db, std::int64_t account,
                                   const std::string& device_id, bool* changed) {
    const auto bind_key = [&](statement& q) {
        q.bind(1, account);
        q.bind(2, device_id);
    };
    return sql::upsert(db,
                       "INSERT INTO account_devices (account, device_id) VALUES (?1, ?2) "
                       "ON CONFLICT (account, device_id) DO NOTHING RETURNING id",
                       bind_key,
                       "SELECT id FROM account_devices WHERE account = ?1 AND device_id = ?2",
                       bind_key, changed);
}

std::optional<std::int64_t> token_owner(connection& db,
                                        const std::vector<std::uint8_t>& token_sha256) {
    statement_handle q(db, "SELECT account FROM account_tokens WHERE token_sha256 = ?");
    q->bind_blob(1, token_sha256);
    if (!q->step()) {
        return std::nullopt;
    }
    return q->get_int64(0);
}

std::optional<account_row> find_account_by_token(connection& db,
                                                 const std::vector<std::uint8_t>& token_sha256) {
    statement_handle q(db, "SELECT a.id, a.account_id, a.region FROM account_tokens t "
                           "JOIN accounts a ON a.id = t.account WHERE t.token_sha256 = ?");
    q->bind_blob(1, token_sha256);
    return read_account(*q);
}

std::optional<account_row> find_account_by_id(connection& db, std::int64_t id) {
    statement_handle q(db, "SELECT id, account_id, region FROM accounts WHERE id = ?");
    q->bind(1, id);
    return read_account(*q);
}

std::optional<std::int64_t> find_account_device(connection& db, std::int64_t account,
                                                const std::string& device_id) {
    statement_handle q(db, "SELECT id FROM account_devices WHERE account = ? AND device_id = ?");
    q->bind(1, account);
    q->bind(2, device_id);
    if (!q->step()) {
        return std::nullopt;
    }
    return q->get_int64(0);
}

std::int64_t count_accounts(connection& db) {
    return sql::query_int64(db, "SELECT count(*) FROM accounts");
}

} // namespace localca::storage::foundry
