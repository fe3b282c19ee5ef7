#pragma once
// The filters of bulk revocation (ca/bulk_revocation.hpp) as SQL over table certificates. The
// core knows only its own keys (authority, serialFrom, serialTo); each vendor module
// (storage/<vendor>/bulk_filters.hpp) registers the keys that select its certificates, and what
// its own state needs when one of them is revoked. tools/localca wires them together.
#include "storage/connection.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace localca::storage {

// A condition on certificates (table alias `c`) with its one bound value, e.g.
// {"c.device IN (SELECT id FROM devices WHERE device_key = ?)", "dev-1"}.
struct sql_condition {
    std::string sql;
    std::variant<std::int64_t, std::string> value;
};

struct filter_key {
    std::string name; // the key as the API and the CLI spell it, e.g. "orgId"
    // The condition for a value, or nullopt when the value is not valid for this key.
    std::function<std::optional<sql_condition>(const std::string& value)> condition;
};

// A module's own writes when one of its certificates is revoked, in the revoking transaction
// (e.g. an API's own certificate state). Must write nothing for a certificate that is not its own.
using revocation_hook = std::function<void(connection&, std::int64_t sn)>;

class bulk_filters {
public:
    void add(filter_key key); // throws std::logic_error for a name added twice
    void add_hook(revocation_hook hook) { m_hooks.push_back(std::move(hook)); }
    const filter_key* find(const std::string& name) const;
    const std::vector<revocation_hook>& hooks() const { return m_hooks; }
    std::vector<std::string> names() const;

private:
    std::map<std::string, filter_key> m_keys;
    std::vector<revocation_hook> m_hooks;
};

// authority (RSA | ECC), serialFrom, serialTo (inclusive).
void add_core_bulk_filters(bulk_filters& filters);

struct bulk_candidate {
    std::int64_t sn = 0;
    std::string authority;
    std::vector<std::uint8_t> subject_der;
};

// Up to `limit` live (valid, not_after > now) certificates matching every condition, with
// sn > after_sn, ascending sn.
std::vector<bulk_candidate> select_live(connection& db,
                                        const std::vector<sql_condition>& conditions,
                                        std::int64_t now, std::int64_t after_sn, int limit);

} // namespace localca::storage
