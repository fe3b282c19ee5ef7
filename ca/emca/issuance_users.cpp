// The API users of emCA: who is calling (by name or API key, the AES key opened from its sealed
// form), the password check, and the CMS signature of the user's registered signer.
#include "ca/emca/issuance_service.hpp"

#include "ca/emca/aes_key_secret.hpp"
#include "ca/emca/cms.hpp"
#include "ca/emca/password.hpp"
#include "ca/profile_names.hpp"
#include "storage/emca/api_user_repository.hpp"

#include <botan/x509cert.h>

#include <memory>

namespace localca::ca::emca {

namespace {

api_user user_of(const storage::emca::api_user_row& r, const secret_box& secrets) {
    api_user u;
    u.id = r.id;
    u.user_name = r.user_name;
    u.api_key = r.api_key;
    const auto key = secrets.open(r.aes_key_sealed, aes_key_context(r.user_name));
    u.aes_key.assign(key.begin(), key.end());
    u.mode = parse_aes_mode(r.aes_mode).value_or(aes_mode::ecb);
    u.allowed_ips = split_words(r.allowed_ips);
    u.signer_cert = r.signer_cert;
    u.password_hash = r.password_hash;
    return u;
}

} // namespace

std::optional<api_user> issuance_service::find_user(const std::string& user_name) {
    const auto row = storage::emca::find_api_user(m_engine.store().reader(), user_name);
    return row ? std::optional(user_of(*row, m_engine.secrets())) : std::nullopt;
}

std::optional<api_user> issuance_service::find_user_by_key(const std::string& api_key) {
    const auto row = storage::emca::find_api_user_by_key(m_engine.store().reader(), api_key);
    return row ? std::optional(user_of(*row, m_engine.secrets())) : std::nullopt;
}

status issuance_service::check_password(const api_user& user, std::string_view password) {
    if (!verify_password(password, user.password_hash)) {
        return make_error(errc::authentication_failed, "authentication failed",
                          "wrong password for user " + user.user_name);
    }
    return success();
}

result<std::vector<std::uint8_t>>
issuance_service::verify_signed(const api_user& user, std::span<const std::uint8_t> cms) {
    // The stored signer certificate was checked when seeding: one that does not parse is corrupt,
    // an exception (the personality's internal error).
    const std::unique_ptr<Botan::Public_Key> key(
        Botan::X509_Certificate(user.signer_cert).subject_public_key());
    return verify_signed_data(cms, *key);
}

} // namespace localca::ca::emca
