#include "storage/emca/api_user_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"

#include <tuple>

namespace localca::storage::emca {

namespace {

constexpr const char* k_user_columns = "SELECT id, user_name, password_hash, api_key, "
                                       "aes_key_sealed, aes_mode, allowed_ips, signer_cert "
                                       "FROM api_users ";

template <typename Key>
std::optional<api_user_row> read_user(connection& db, const char* where, const Key& key) {
    statement_handle q(db, std::string(k_user_columns) + where);
    q->bind(1, key);
    if (!q->step()) {
        return std::nullopt;
    }
    api_user_row r;
    r.id = q->get_int64(0);
    r.user_name = q->get_string(1);
    r.password_hash = q->get_string(2);
    r.api_key = q->get_string(3);
    r.aes_key_sealed = q->get_blob(4);
    r.aes_mode = q->get_string(5);
    r.allowed_ips = q->get_string(6);
    r.signer_cert = q->get_blob(7);
    return r;
}

auto user_fields(const api_user_row& r) {
    return std::tie(r.user_name, r.password_hash, r.api_key, r.aes_key_sealed, r.aes_mode,
                    r.allowed_ips, r.signer_cert);
}

auto profile_fields(const issuance_profile_row& r) {
    return std::tie(r.profile_id, r.authority, r.key_types, r.default_validity, r.max_validity,
                    r.required_subject, r.key_usage, r.extended_key_usage, r.manual_authorization);
}

} // namespace

std::optional<api_user_row> find_api_user(connection& db, const std::string& user_name) {
    return read_user(db, "WHERE user_name = ?1", user_name);
}

std::optional<api_user_row> find_api_user_by_key(connection& db, const std::string& api_key) {
    return read_user(db, "WHERE api_key = ?1", api_key);
}

std::optional<api_user_row> find_api_user_by_id(connection& db, std::int64_t id) {
    return read_user(db, "WHERE id = ?1", id);
}

std::int64_t upsert_api_user(connection& db, const api_user_row& row, bool* changed) {
    const auto existing = find_api_user(db, row.user_name);
    *changed = !existing || user_fields(*existing) != user_fields(row);
    if (!*changed) {
        return existing->id;
    }
    statement_handle q(
        db, existing ? "UPDATE api_users SET password_hash = ?2, api_key = ?3, "
                       "aes_key_sealed = ?4, aes_mode = ?5, allowed_ips = ?6, signer_cert = ?7 "
                       "WHERE user_name = ?1"
                     : "INSERT INTO api_users (user_name, password_hash, api_key, "
                       "aes_key_sealed, aes_mode, allowed_ips, signer_cert) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id");
    q->bind(1, row.user_name);
    q->bind(2, row.password_hash);
    q->bind(3, row.api_key);
    q->bind_blob(4, row.aes_key_sealed);
    q->bind(5, row.aes_mode);
    q->bind(6, row.allowed_ips);
    q->bind_blob(7, row.signer_cert);
    if (existing) {
        q->exec();
        return existing->id;
    }
    return sql::insert_returning_id(*q);
}

std::optional<issuance_profile_row> find_issuance_profile(connection& db,
                                                          const std::string& profile_id) {
    statement_handle q(db, "SELECT profile_id, authority, key_types, default_validity, "
                           "max_validity, required_subject, key_usage, extended_key_usage, "
                           "manual_authorization FROM issuance_profiles WHERE profile_id = ?1");
    q->bind(1, profile_id);
    if (!q->step()) {
        return std::nullopt;
    }
    issuance_profile_row r;
    r.profile_id = q->get_string(0);
    r.authority = q->get_string(1);
    r.key_types = q->get_string(2);
    r.default_validity = q->get_int64(3);
    r.max_validity = q->get_int64(4);
    r.required_subject = q->get_string(5);
    r.key_usage = q->get_string(6);
    r.extended_key_usage = q->get_string(7);
    r.manual_authorization = q->get_int64(8) != 0;
    return r;
}

void upsert_issuance_profile(connection& db, const issuance_profile_row& row, bool* changed) {
    const auto existing = find_issuance_profile(db, row.profile_id);
    *changed = !existing || profile_fields(*existing) != profile_fields(row);
    if (!*changed) {
        return;
    }
    statement_handle q(db, "INSERT INTO issuance_profiles (profile_id, authority, key_types, "
                           "default_validity, max_validity, required_subject, key_usage, "
                           "extended_key_usage, manual_authorization) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                           "ON CONFLICT (profile_id) DO UPDATE SET authority = ?2, "
                           "key_types = ?3, default_validity = ?4, max_validity = ?5, "
                           "required_subject = ?6, key_usage = ?7, extended_key_usage = ?8, "
                           "manual_authorization = ?9");
    q->bind(1, row.profile_id);
    q->bind(2, row.authority);
    q->bind(3, row.key_types);
    q->bind(4, row.default_validity);
    q->bind(5, row.max_validity);
    q->bind(6, row.required_subject);
    q->bind(7, row.key_usage);
    q->bind(8, row.extended_key_usage);
    q->bind(9, row.manual_authorization ? 1 : 0);
    q->exec();
}

} // namespace localca::storage::emca
