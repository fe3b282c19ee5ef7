#include "server/admin/browse_routes.hpp"

#include "server/admin/auth.hpp"
#include "server/admin/codec.hpp"

#include <boost/json.hpp>

#include <set>
#include <stdexcept>

namespace localca::server::admin {

namespace json = boost::json;
namespace sa = storage::admin;

namespace {

json::value browse_cell_json(const sa::browse_cell& c) {
    if (const auto* i = std::get_if<std::int64_t>(&c)) {
        return *i;
    }
    if (const auto* s = std::get_if<std::string>(&c)) {
        return json::value(*s);
    }
    if (const auto* b = std::get_if<bool>(&c)) {
        return *b;
    }
    return nullptr;
}

} // namespace

browse_routes::browse_routes(ca::engine& engine, std::vector<sa::browse_source> sources)
    : m_engine(engine), m_sources(std::move(sources)) {}

response browse_routes::internal_error(const request_context& ctx) const {
    return error_json(ctx.req, http::status::internal_server_error, "internal error");
}

void browse_routes::add_routes(router& r) {
    for (const auto& source : m_sources) {
        // m_sources is not resized after construction: the reference stays valid.
        const auto* s = &source;
        r.add(http::verb::get, "/admin/v1/" + s->route,
              [this, s](std::shared_ptr<request_context> ctx, responder done) {
                  try {
                      list(*s, ctx, done);
                  } catch (const bad_parameter& e) {
                      done(error_json(ctx->req, http::status::bad_request, e.what(), e.parameter));
                  }
              });
    }
}

void browse_routes::list(const sa::browse_source& source, std::shared_ptr<request_context> ctx,
                         const responder& done) {
    if (!authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done)) {
        return;
    }
    std::set<std::string> known = {"limit", "cursor"};
    for (const auto& [name, sql] : source.filters) {
        known.insert(name);
    }
    check_known(*ctx, known);

    sa::browse_query q;
    std::vector<std::string> scope_values;
    for (const auto& [name, sql] : source.scopes) {
        scope_values.push_back(ctx->path_params.at(name));
        q.conditions.emplace_back(sql, scope_values.back());
    }
    for (const auto& [name, sql] : source.filters) {
        if (const auto v = ctx->query_param(name)) {
            q.conditions.emplace_back(sql, *v);
        }
    }
    const int want = limit_param(*ctx);
    q.limit = want + 1; // one more tells whether there is a next page
    // A cursor is bound to its list: "<route>:<key>" (the route template, not the scope values:
    // a cursor of org A's products used for org B just starts at that key).
    const std::string tag = source.route + ":";
    if (const auto c = ctx->query_param("cursor")) {
        const auto text = decode_cursor(*c);
        if (!text || text->rfind(tag, 0) != 0 || text->size() == tag.size()) {
            throw bad_parameter("cursor", "cursor is not one this listing returned");
        }
        q.after = text->substr(tag.size());
    }

    auto& db = m_engine.store().reader();
    if (!sa::browse_scope_exists(db, source, scope_values)) {
        std::string what;
        for (std::size_t i = 0; i < scope_values.size(); ++i) {
            what += (i ? ", " : "") + source.scopes[i].first + " '" + scope_values[i] + "'";
        }
        done(error_json(ctx->req, http::status::not_found, "no " + what));
        return;
    }
    std::vector<sa::browse_row> rows;
    try {
        rows = sa::browse(db, source, q);
    } catch (const std::invalid_argument&) {
        // An integer key that is not one: a cursor hand-made to look like ours.
        throw bad_parameter("cursor", "cursor is not one this listing returned");
    }
    const bool more = static_cast<int>(rows.size()) > want;
    if (more) {
        rows.pop_back();
    }
    json::array items;
    for (const auto& row : rows) {
        json::object o;
        for (std::size_t i = 0; i < source.columns.size(); ++i) {
            o[source.columns[i].name] = browse_cell_json(row.cells[i]);
        }
        for (std::size_t i = 0; i < source.lists.size(); ++i) {
            json::array values;
            for (const auto& v : row.lists[i]) {
                values.push_back(json::value(v));
            }
            o[source.lists[i].first] = std::move(values);
        }
        items.push_back(std::move(o));
    }
    json::object out;
    out["items"] = std::move(items);
    out["nextCursor"] = more ? json::value(encode_cursor(tag + rows.back().key)) : nullptr;
    done(json_response(ctx->req, http::status::ok, json::serialize(out)));
}

} // namespace localca::server::admin
