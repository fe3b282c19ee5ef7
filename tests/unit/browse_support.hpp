#pragma once
// The vendor browse sources' tests: run one source (by its route) over the real schema and read
// its rows as {column name -> cell text}, so a test states what the list shows.
#include "storage/admin/browse.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <string>
#include <vector>

namespace localca::test {

using browse_item = std::map<std::string, std::string>;

inline std::string browse_cell_text(const storage::admin::browse_cell& c) {
    if (const auto* i = std::get_if<std::int64_t>(&c)) {
        return std::to_string(*i);
    }
    if (const auto* s = std::get_if<std::string>(&c)) {
        return *s;
    }
    if (const auto* b = std::get_if<bool>(&c)) {
        return *b ? "true" : "false";
    }
    return "null";
}

// The rows of `route` (scope values in the route's order, then filter values by name), with
// each list field joined by ' '.
inline std::vector<browse_item>
browse_items(storage::connection& db, const std::vector<storage::admin::browse_source>& sources,
             const std::string& route, const std::vector<std::string>& scope_values = {},
             const std::map<std::string, std::string>& filters = {}) {
    for (const auto& s : sources) {
        if (s.route != route) {
            continue;
        }
        BOOST_REQUIRE(s.scopes.size() == scope_values.size());
        storage::admin::browse_query q;
        for (std::size_t i = 0; i < scope_values.size(); ++i) {
            q.conditions.emplace_back(s.scopes[i].second, scope_values[i]);
        }
        for (const auto& [name, value] : filters) {
            q.conditions.emplace_back(s.filters.at(name), value);
        }
        std::vector<browse_item> out;
        for (const auto& r : storage::admin::browse(db, s, q)) {
            browse_item item;
            for (std::size_t i = 0; i < s.columns.size(); ++i) {
                item[s.columns[i].name] = browse_cell_text(r.cells[i]);
            }
            for (std::size_t i = 0; i < s.lists.size(); ++i) {
                std::string joined;
                for (const auto& v : r.lists[i]) {
                    joined += (joined.empty() ? "" : " ") + v;
                }
                item[s.lists[i].first] = joined;
            }
            out.push_back(std::move(item));
        }
        return out;
    }
    BOOST_FAIL("no browse source " + route);
    return {};
}

} // namespace localca::test
