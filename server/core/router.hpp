#pragma once
// Route table: (method, path pattern) -> handler. Patterns are literal segments or "{name}",
// which matches one non-empty segment, or, as the last segment only, "{name...}", which matches
// the rest of the path (one or more segments, joined with '/'). A path that matches no pattern gets 404, a path that
// matches with another method gets 405; both as JSON {"message": "..."}.
#include "server/core/request_context.hpp"

#include <string>
#include <vector>

namespace localca::server {

class router {
public:
    void add(http::verb method, std::string pattern, handler h);

    // Finds the handler and fills ctx.path_params. Returns nullptr when nothing matches and then
    // sets *status to 404 or 405.
    const handler* match(request_context& ctx, http::status* status) const;

private:
    struct route {
        http::verb method;
        std::vector<std::string> segments;
        handler h;
    };
    std::vector<route> m_routes;
};

// A personality (one folder under server/) adds its routes to the table.
class personality {
public:
    virtual ~personality() = default;
    virtual const char* name() const = 0;
    virtual void add_routes(router& r) = 0;
};

} // namespace localca::server
