#include "storage/foundry/admin_browse.hpp"

namespace localca::storage::foundry {

using admin::browse_kind;

// accounts -> devices -> the managed certificates with their topic policies. A certificate's
// topics are its policy (the MQTT topic filters it may use; what the Mosquitto view exports), so
// the certificates list carries them.
std::vector<admin::browse_source> admin_browse() {
    std::vector<admin::browse_source> out;
    {
        admin::browse_source s;
        s.route = "foundry/accounts";
        s.key_sql = "a.id";
        s.from_sql = "FROM accounts a";
        s.columns = {
            {"accountId", "a.account_id", browse_kind::text},
            {"region", "a.region", browse_kind::text},
            {"devices", "(SELECT count(*) FROM account_devices ad WHERE ad.account = a.id)",
             browse_kind::integer},
            {"certificates", "(SELECT count(*) FROM managed_certificates m WHERE m.account = a.id)",
             browse_kind::integer},
        };
        out.push_back(std::move(s));
    }
    {
        admin::browse_source s;
        s.route = "foundry/accounts/{account}/devices";
        s.key_sql = "ad.id";
        s.from_sql = "FROM account_devices ad JOIN accounts a ON a.id = ad.account";
        s.scopes = {{"account", "a.account_id = ?"}};
        s.scope_exists_sql = "SELECT 1 FROM accounts WHERE account_id = ?";
        s.columns = {
            {"deviceId", "ad.device_id", browse_kind::text},
            {"certificates", "(SELECT count(*) FROM managed_certificates m WHERE m.device = ad.id)",
             browse_kind::integer},
            {"activeCertificates",
             "(SELECT count(*) FROM managed_certificates m WHERE m.device = ad.id "
             "AND m.active = 1)",
             browse_kind::integer},
        };
        out.push_back(std::move(s));
    }
    {
        admin::browse_source s;
        s.route = "foundry/accounts/{account}/certificates";
        s.key_sql = "m.sn";
        s.from_sql = "FROM managed_certificates m JOIN accounts a ON a.id = m.account "
                     "LEFT JOIN account_devices ad ON ad.id = m.device";
        s.scopes = {{"account", "a.account_id = ?"}};
        s.scope_exists_sql = "SELECT 1 FROM accounts WHERE account_id = ?";
        s.filters = {{"device", "ad.device_id = ?"}};
        s.columns = {
            // certSN as text, as everywhere in the operator API (beyond JavaScript's 2^53).
            {"certSN", "CAST(m.sn AS TEXT)", browse_kind::text},
            {"certificateId", "m.cert_id", browse_kind::text},
            {"deviceId", "ad.device_id", browse_kind::text},
            {"active", "m.active", browse_kind::boolean},
        };
        s.lists = {{"topics", "SELECT filter FROM managed_certificate_topics WHERE sn = ? "
                              "ORDER BY position"}};
        out.push_back(std::move(s));
    }
    return out;
}

} // namespace localca::storage::foundry
