#include "storage/admin/owner_registry.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

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

std::optional<owner_fields> owner_registry::owner_of(connection& db, const std::string& api,
                                                     std::int64_t sn) const {
    for (const auto& s : m_sources) {
        if (s.api != api) {
            continue;
        }
        statement_handle cached(db, s.lookup_sql);
        statement& q = *cached;
        q.bind(1, sn);
        if (!q.step()) {
            return std::nullopt;
        }
        owner_fields out;
        for (std::size_t i = 0; i < s.fields.size(); ++i) {
            out.emplace_back(s.fields[i], q.get_optional_string(static_cast<int>(i)));
        }
        return out;
    }
    return std::nullopt;
}

} // namespace localca::storage::admin
