#include "storage/foundry/account_repository.hpp"

#include "storage/sql_helpers.hpp"

#include <SQLiteCpp/Statement.h>

namespace localca::storage::foundry {

namespace {

std::optional<account_row> read_account(SQLite::Statement& q) {
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return account_row{q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                       sql::get_optional_string(q.getColumn(2))};
}

} // namespace

std::int64_t upsert_account(SQLite::Database& db, const std::string& account_id,
                            const std::optional<std::string>& region, bool* changed) {
    const auto bind_key = [&](SQLite::Statement& q) { q.bind(1, account_id); };
    const auto bind_all = [&](SQLite::Statement& q) {
        bind_key(q);
        sql::bind_optional(q, 2, region);
    };
    return sql::upsert(db,
                       "INSERT INTO accounts (account_id, region) VALUES (?1, ?2) "
                       "ON CONFLICT (account_id) DO UPDATE SET region = excluded.region "
                       "WHERE accounts.region IS NOT excluded.region RETURNING id",
                       bind_all, "SELECT id FROM accounts WHERE account_id = ?1", bind_key,
                       changed);
}

void upsert_account_token(SQLite::Database& db, std::int64_t account,
                          const std::vector<std::uint8_t>& token_sha256, bool* changed) {
    const auto bind_key = [&](SQLite::Statement& q) { sql::bind_blob(q, 1, token_sha256); };
    const auto bind_all = [&](SQLite::Statement& q) {
        bind_key(q);
        q.bind(2, account);
    };
    // The table has no rowid: the account column stands in for the id that upsert() returns.
    sql::upsert(db,
                "INSERT INTO account_tokens (token_sha256, account) VALUES (?1, ?2) "
                "ON CONFLICT (token_sha256) DO UPDATE SET account = excluded.account "
                "WHERE account_tokens.account IS NOT excluded.account RETURNING account",
                bind_all, "SELECT account FROM account_tokens WHERE token_sha256 = ?1", bind_key,
                changed);
}

std::int64_t upsert_account_device(SQLite::Database& db, std::int64_t account,
                                   const std::string& device_id, bool* changed) {
    const auto bind_key = [&](SQLite::Statement& q) {
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

std::optional<std::int64_t> token_owner(SQLite::Database& db,
                                        const std::vector<std::uint8_t>& token_sha256) {
    SQLite::Statement q(db, "SELECT account FROM account_tokens WHERE token_sha256 = ?");
    sql::bind_blob(q, 1, token_sha256);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return q.getColumn(0).getInt64();
}

std::optional<account_row> find_account_by_token(SQLite::Database& db,
                                                 const std::vector<std::uint8_t>& token_sha256) {
    SQLite::Statement q(db, "SELECT a.id, a.account_id, a.region FROM account_tokens t "
                            "JOIN accounts a ON a.id = t.account WHERE t.token_sha256 = ?");
    sql::bind_blob(q, 1, token_sha256);
    return read_account(q);
}

std::optional<account_row> find_account_by_id(SQLite::Database& db, std::int64_t id) {
    SQLite::Statement q(db, "SELECT id, account_id, region FROM accounts WHERE id = ?");
    q.bind(1, id);
    return read_account(q);
}

std::optional<std::int64_t> find_account_device(SQLite::Database& db, std::int64_t account,
                                                const std::string& device_id) {
    SQLite::Statement q(db, "SELECT id FROM account_devices WHERE account = ? AND device_id = ?");
    q.bind(1, account);
    q.bind(2, device_id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return q.getColumn(0).getInt64();
}

std::int64_t count_accounts(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM accounts").getInt64();
}

} // namespace localca::storage::foundry
