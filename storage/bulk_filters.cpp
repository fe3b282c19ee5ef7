#include "storage/bulk_filters.hpp"

#include "storage/connection.hpp"

#include <charconv>
#include <stdexcept>

namespace localca::storage {

namespace {

std::optional<std::int64_t> positive_integer(const std::string& s) {
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v <= 0) {
        return std::nullopt;
    }
    return v;
}

} // namespace

void bulk_filters::add(filter_key key) {
    auto name = key.name;
    if (!m_keys.emplace(name, std::move(key)).second) {
        throw std::logic_error("bulk filter key '" + name + "' registered twice");
    }
}

const filter_key* bulk_filters::find(const std::string& name) const {
    const auto it = m_keys.find(name);
    return it == m_keys.end() ? nullptr : &it->second;
}

std::vector<std::string> bulk_filters::names() const {
    std::vector<std::string> out;
    for (const auto& [name, key] : m_keys) {
        out.push_back(name);
    }
    return out;
}

void add_core_bulk_filters(bulk_filters& filters) {
    filters.add({"authority", [](const std::string& v) -> std::optional<sql_condition> {
                     if (v != "RSA" && v != "ECC") {
                         return std::nullopt;
                     }
                     return sql_condition{"c.authority = ?", v};
                 }});
    filters.add({"serialFrom", [](const std::string& v) -> std::optional<sql_condition> {
                     const auto n = positive_integer(v);
                     return n ? std::optional(sql_condition{"c.sn >= ?", *n}) : std::nullopt;
                 }});
    filters.add({"serialTo", [](const std::string& v) -> std::optional<sql_condition> {
                     const auto n = positive_integer(v);
                     return n ? std::optional(sql_condition{"c.sn <= ?", *n}) : std::nullopt;
                 }});
}

std::vector<bulk_candidate> select_live(connection& db,
                                        const std::vector<sql_condition>& conditions,
                                        std::int64_t now, std::int64_t after_sn, int limit) {
    std::string sql = "SELECT c.sn, c.authority, c.subject_der FROM certificates c "
                      "WHERE c.status = 0 AND c.not_after > ? AND c.sn > ?";
    for (const auto& cond : conditions) {
        sql += " AND (" + cond.sql + ")";
    }
    sql += " ORDER BY c.sn LIMIT ?";
    // Not cached: its text depends on the filters, and a bulk revocation is rare.
    const auto q = db.prepare(sql);
    int index = 1;
    q->bind(index++, now);
    q->bind(index++, after_sn);
    for (const auto& cond : conditions) {
        std::visit([&](const auto& v) { q->bind(index++, v); }, cond.value);
    }
    q->bind(index, limit);
    std::vector<bulk_candidate> out;
    while (q->step()) {
        bulk_candidate c;
        c.sn = q->get_int64(0);
        c.authority = q->get_string(1);
        c.subject_der = q->get_blob(2);
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace localca::storage
