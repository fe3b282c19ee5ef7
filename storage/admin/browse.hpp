#pragma once
// Read-only lists of the operator API's browse pages (docs/admin-api.md, "Browse"): an API's
// tenants, products, devices, accounts, users, profiles. Which tables and columns those are is
// vendor knowledge, so each vendor storage module describes its lists as browse_source values
// (storage/<vendor>/admin_browse.hpp, wired in tools/localca); this file only runs them, with
// keyset pagination, and names no vendor table.
#include "storage/connection.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace localca::storage::admin {

enum class browse_kind { text, integer, boolean };

struct browse_column {
    std::string name; // the wire name ("orgId")
    std::string sql;  // an expression over the source's FROM
    browse_kind kind = browse_kind::text;
};

struct browse_source {
    // The list's path under /admin/v1/, "{name}" segments being its scopes: "enos/orgs/{org}".
    std::string route;
    std::vector<browse_column> columns;
    // The unique sort key of the keyset pagination (an integer id, or a text key).
    std::string key_sql;
    browse_kind key_kind = browse_kind::integer;
    std::string from_sql; // "FROM … JOIN …", no WHERE
    // Path parameter -> SQL condition with one `?`, in the route's order.
    std::vector<std::pair<std::string, std::string>> scopes;
    // SELECT with one `?` per scope (same order) giving a row when the scoped parent exists:
    // an unknown org is a 404, not an empty list. Empty when the list has no scope.
    std::string scope_exists_sql;
    // Optional query parameter -> SQL condition with one `?`.
    std::map<std::string, std::string> filters;
    // List-valued fields: name -> SELECT of one text column with one `?`, the row's key.
    std::vector<std::pair<std::string, std::string>> lists;
};

using browse_cell = std::variant<std::monostate, std::int64_t, std::string, bool>;

struct browse_row {
    std::string key;                             // the sort key as text (for the cursor)
    std::vector<browse_cell> cells;              // one per column
    std::vector<std::vector<std::string>> lists; // one per source list
};

struct browse_query {
    // (condition, value): a scope's or a filter's SQL with its one parameter.
    std::vector<std::pair<std::string, std::string>> conditions;
    std::optional<std::string> after; // the previous page's last key
    int limit = 100;
};

// Whether the parent the scope values name exists (true when the source has no scope).
bool browse_scope_exists(connection& db, const browse_source& source,
                         const std::vector<std::string>& scope_values);

// One page: rows with key > after, in key order, at most `limit`. Throws std::invalid_argument
// when an integer key's cursor text is not an integer.
std::vector<browse_row> browse(connection& db, const browse_source& source, const browse_query& q);

} // namespace localca::storage::admin
