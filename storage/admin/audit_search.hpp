#pragma once
// Audit search of the operator API: filtered, keyset-paginated (by id) reads of table audit.
#include "storage/audit_repository.hpp"

#include "storage/connection.hpp"

#include <optional>
#include <string>
#include <vector>

namespace localca::storage::admin {

struct audit_query {
    std::optional<std::string> actor, action, outcome;
    std::optional<std::int64_t> cert_sn, from, to; // from/to: unix seconds, inclusive
    std::optional<std::int64_t> after_id;          // keyset cursor
    bool descending = false;
    int limit = 100;
};

std::vector<audit_row> search_audit(connection& db, const audit_query& q);

} // namespace localca::storage::admin
