#pragma once
// Who owns a certificate is vendor knowledge (an EnOS org/product/device, a Foundry account, an
// emCA user). Each vendor storage module contributes its owner lookup and owner filters here
// (storage/<vendor>/admin_owner.hpp), wired in tools/localca, so that the operator API's SQL
// (storage/admin/) names no vendor table.
#include "storage/connection.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace localca::storage::admin {

struct owner_source {
    std::string api;                 // the certificates.api tag whose owners it knows
    std::vector<std::string> fields; // owner field names, in the lookup's column order
    std::string lookup_sql;          // one parameter (the sn); 0 or 1 row of `fields` columns
    // filter name -> SQL condition on the certificates row aliased `c`, with one parameter.
    std::map<std::string, std::string> filters;
};

using owner_fields = std::vector<std::pair<std::string, std::optional<std::string>>>;

class owner_registry {
public:
    void add(owner_source source);
    bool has_filter(const std::string& name) const;
    // The conditions of every source serving the filter (a name like "device" may be served by
    // several: a certificate matches when any of them does).
    std::vector<std::string> conditions(const std::string& filter) const;
    // The owner of one certificate of `api`; nullopt when no source knows that api or the row has
    // no owner.
    std::optional<owner_fields> owner_of(connection& db, const std::string& api,
                                         std::int64_t sn) const;
    // The owners of many certificates of `api` in one statement (PostgreSQL: one round trip per
    // page instead of one per row); certificates without an owner are absent. Needs
    // lookup_sql with exactly one `?` (the sn); otherwise, and on SQLite, one owner_of per sn.
    std::map<std::int64_t, owner_fields> owners_of(connection& db, const std::string& api,
                                                   const std::vector<std::int64_t>& sns) const;

private:
    // The source registered for `api`, or nullptr.
    const owner_source* source_of(const std::string& api) const;

    std::vector<owner_source> m_sources;
};

} // namespace localca::storage::admin
