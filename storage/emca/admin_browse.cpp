#include "storage/emca/admin_browse.hpp"

namespace localca::storage::emca {

using admin::browse_kind;

// Users and issuing profiles. A user's credentials (password hash, emKey, AES key, signer
// certificate) are never listed: an operator token is not an emCA credential.
std::vector<admin::browse_source> admin_browse() {
    std::vector<admin::browse_source> out;
    {
        admin::browse_source s;
        s.route = "emca/users";
        s.key_sql = "u.id";
        s.from_sql = "FROM api_users u";
        s.columns = {
            {"userName", "u.user_name", browse_kind::text},
            {"aesMode", "u.aes_mode", browse_kind::text},
            {"allowedIps", "u.allowed_ips", browse_kind::text},
            {"requests", "(SELECT count(*) FROM issuance_requests r WHERE r.user = u.id)",
             browse_kind::integer},
            {"pending",
             "(SELECT count(*) FROM issuance_items i WHERE i.user = u.id AND i.status = 0)",
             browse_kind::integer},
            {"certificates",
             "(SELECT count(*) FROM issuance_items i WHERE i.user = u.id "
             "AND i.cert_sn IS NOT NULL)",
             browse_kind::integer},
        };
        out.push_back(std::move(s));
    }
    {
        admin::browse_source s;
        s.route = "emca/profiles";
        s.key_sql = "p.profile_id";
        s.key_kind = browse_kind::text;
        s.from_sql = "FROM issuance_profiles p";
        s.columns = {
            {"profileId", "p.profile_id", browse_kind::text},
            {"authority", "p.authority", browse_kind::text},
            {"keyTypes", "p.key_types", browse_kind::text},
            {"defaultValiditySeconds", "p.default_validity", browse_kind::integer},
            {"maxValiditySeconds", "p.max_validity", browse_kind::integer},
            {"requiredSubject", "p.required_subject", browse_kind::text},
            {"keyUsage", "p.key_usage", browse_kind::text},
            {"extendedKeyUsage", "p.extended_key_usage", browse_kind::text},
            {"manualAuthorization", "p.manual_authorization", browse_kind::boolean},
        };
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace localca::storage::emca
