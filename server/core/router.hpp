#pragma once
// Route table: (method, path pattern) -> handler. Patterns are literal segments or "{name}",
// which matches one non-empty segment, or, as the last segment only, "{name...}", which matches
// the rest of the path (one or more segments, joined with '/'). A path that matches no pattern gets
// 404, a path that matches with another method gets 405; both as JSON {"message": "..."}.
#include "server/core/fault_hook.hpp"
#include "server/core/request_context.hpp"
#include "server/core/request_metrics.hpp"

#include <memory>
#include <string>
#include <vector>

namespace localca::server {

class router {
public:
    // Adds p's routes; their requests carry p as request_context::api, so that what fails
    // unexpectedly in them is answered in p's format.
    void add_personality(personality& p);
    void add(http::verb method, std::string pattern, handler h);

    // Finds the handler and fills ctx.path_params. Returns nullptr when nothing matches and then
    // sets *status to 404 or 405.
    const handler* match(request_context& ctx, http::status* status) const;

    // Requests by (API, route template, status) and latency by API, for /metrics.
    const request_metrics& metrics() const { return *m_metrics; }
    // Lab mode's fault injector (null: none); every request carries the slot. Set before the
    // server starts or later: copies share the slot.
    void set_fault_injector(fault_injector* f) const { m_faults->injector.store(f); }
    // Admission to the handlers (server/core/request_gate.hpp), shared by copies: a handler that
    // must run alone (a lab restore) closes the gate the sessions admit through.
    const std::shared_ptr<request_gate>& gate() const { return m_gate; }

private:
    struct route {
        http::verb method;
        std::vector<std::string> segments;
        handler h;
        const personality* api;
        const route_metrics* metrics;
    };
    std::vector<route> m_routes;
    // Shared by copies (http_server keeps its own copy of the table): the counters a request
    // adds to are the ones /metrics reads through the original.
    std::shared_ptr<request_metrics> m_metrics = std::make_shared<request_metrics>();
    std::shared_ptr<fault_slot> m_faults = make_fault_slot(*m_metrics);
    std::shared_ptr<request_gate> m_gate = std::make_shared<request_gate>();
    static std::shared_ptr<fault_slot> make_fault_slot(const request_metrics& m);
    const personality* m_adding = nullptr; // during add_personality()
};

// A personality (one folder under server/) adds its routes to the table
// (router::add_personality), and says how its API answers an internal error.
class personality {
public:
    virtual ~personality() = default;
    virtual const char* name() const = 0;
    virtual void add_routes(router& r) = 0;
    // The API's own answer to an unexpected failure (storage failure, bug) of the request. Must
    // not name the failure: its detail goes to the server log only.
    virtual response internal_error(const request_context& ctx) const = 0;
};

} // namespace localca::server
