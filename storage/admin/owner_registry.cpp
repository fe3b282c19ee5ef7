#include "storage/admin/owner_registry.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

#include <algorithm>

namespace localca::storage::admin {

void owner_registry::add(owner_source source) {
    m_sources.push_back(std::move(source));
}

bool owner_registry::has_filter(const std::string& name) const {
    for (const auto& s : m_sources) {
        if (s.filters.count(name)) {
            return true;
        }
    }
    return false;
}

std::vector<std::string> owner_registry::conditions(const std::string& filter) const {
    std::vector<std::string> out;
    for (const auto& s : m_sources) {
        if (auto it = s.filters.find(filter); it != s.filters.end()) {
            out.push_back(it->second);
        }
    }
    return out;
}

const owner_source* owner_registry::source_of(const std::string& api) const {
    const auto s = std::find_if(m_sources.begin(), m_sources.end(),
                                [&](const owner_source& o) { return o.api == api; });
    return s == m_sources.end() ? nullptr : &*s;
}

std::optional<owner_fields> owner_registry::owner_of(connection& db, const std::string& api,
                                                     std::int64_t sn) const {
    const owner_source* s = source_of(api);
    if (!s) {
        return std::nullopt;
    }
    statement_handle cached(db, s->lookup_sql);
    statement& q = *cached;
    q.bind(1, sn);
    if (!q.step()) {
        return std::nullopt;
    }
    owner_fields out;
    for (std::size_t i = 0; i < s->fields.size(); ++i) {
        out.emplace_back(s->fields[i], q.get_optional_string(static_cast<int>(i)));
    }
    return out;
}

std::map<std::int64_t, owner_fields>
owner_registry::owners_of(connection& db, const std::string& api,
                          const std::vector<std::int64_t>& sns) const {
    std::map<std::int64_t, owner_fields> out;
    const owner_source* s = source_of(api);
    if (!s || sns.empty()) {
        return out;
    }
    const auto mark = s->lookup_sql.find('?');
    if (db.kind() != backend::postgres || mark == std::string::npos ||
        s->lookup_sql.find('?', mark + 1) != std::string::npos) {
        for (const auto sn : sns) {
            if (auto o = owner_of(db, api, sn)) {
                out.emplace(sn, std::move(*o));
            }
        }
        return out;
    }
    // The vendor's lookup, its sn taken from the list: one text per source, so the statement is
    // cached; the list travels as one text parameter.
    std::string lookup = s->lookup_sql;
    lookup.replace(mark, 1, "owner_sns.sn");
    statement_handle cached(db, "SELECT owner_sns.sn, owner_lookup.* FROM "
                                "unnest(string_to_array(?, ',')::bigint[]) AS owner_sns(sn) "
                                "CROSS JOIN LATERAL (" +
                                    lookup + ") AS owner_lookup");
    statement& q = *cached;
    std::string list;
    for (const auto sn : sns) {
        list += (list.empty() ? "" : ",") + std::to_string(sn);
    }
    q.bind(1, list);
    while (q.step()) {
        owner_fields f;
        for (std::size_t i = 0; i < s->fields.size(); ++i) {
            f.emplace_back(s->fields[i], q.get_optional_string(static_cast<int>(i) + 1));
        }
        out.emplace(q.get_int64(0), std::move(f));
    }
    return out;
}

} // namespace localca::storage::admin
