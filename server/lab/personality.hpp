#pragma once
// The lab API (docs/lab.md), routed only when lab mode is on (config lab.enabled); otherwise
// every /lab/v1 path is an ordinary 404.
//  - GET  /lab/v1/clock   {"now":"<RFC 3339>","offsetSeconds":N}
//  - POST /lab/v1/clock   {"advance":"30d"} | {"set":"2027-01-01T00:00:00Z"} | {"reset":true}
//                         answers like GET; bad input: 400 {"message":…, "field":"advance"}
//  - POST   /lab/v1/faults       a rule (server/lab/faults.hpp) -> 201 the rule with its id
//  - GET    /lab/v1/faults       {"rules":[…, with "id" and "fired"]}
//  - DELETE /lab/v1/faults[/id]  all rules, or one (404 if unknown) -> {"removed":N}
//  - POST /lab/v1/snapshots {"name":…}        201 {"name":…,"certificates":N}
//  - GET  /lab/v1/snapshots                   {"snapshots":[{"name":…,"certificates":N}]}
//  - POST /lab/v1/snapshots/{name}/restore    {"name":…,"certificatesBefore":B,
//                                              "certificatesAfter":A,"nextSerial":S}; 404 unknown
//  - POST /lab/v1/reset                       the same for the baseline snapshot
//  - DELETE /lab/v1/snapshots/{name}          {"name":…,"deleted":true}; the baseline 409
//    (routed only when the composition root gives snapshot_hooks: snapshot_routes.cpp)
// Every request passes the authorizer first (it answers a refusal itself: 401/403); every
// change is audited with the actor it names.
#include "ca/clock.hpp"
#include "server/core/router.hpp"
#include "server/lab/faults.hpp"
#include "storage/store.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace localca::server::lab {

// Who may use the lab API: the actor name for the audit log, or nullopt when it refused the
// caller (then it has answered through the responder). The composition root decides: an
// operator admin token (tools/localca/lab.cpp).
using authorizer =
    std::function<std::optional<std::string>(const request_context&, const responder&)>;

// 400 {"message":…, "field":…}: the lab API's answer to bad input.
response bad_field(const request& req, const std::string& field, const std::string& message);

// What the snapshot routes need from the composition root (tools/localca/lab_snapshot.hpp owns
// the data dir's layout). Each blocks (SQL, file copies): called on a worker thread.
struct snapshot_hooks {
    struct restored {
        std::int64_t certificates_before = 0;
        std::int64_t certificates_after = 0;
        std::int64_t next_serial = 0;
    };
    std::function<bool(const std::string&)> valid_name;
    std::function<std::int64_t(const std::string&)> take; // -> certificate count
    std::function<std::vector<std::pair<std::string, std::int64_t>>()> list;
    std::function<bool(const std::string&)> exists;
    // Removes a snapshot's files; false when there was none.
    std::function<bool(const std::string&)> remove;
    // Restores and audits it as `actor`.
    std::function<restored(const std::string& name, const std::string& actor,
                           const std::string& source_ip)>
        restore;
    std::string baseline; // the name reset restores
    // Set: snapshots cannot be made here (PostgreSQL); every snapshot route answers
    // 409 {"message": unsupported} and calls nothing else.
    std::string unsupported;
};

class personality final : public server::personality {
public:
    personality(storage::store& store, std::shared_ptr<ca::offset_clock> clk, fault_store& faults,
                authorizer auth);
    const char* name() const override { return "lab"; }
    // Before add_routes(): routes the snapshot API too.
    void set_snapshot_hooks(snapshot_hooks hooks) { m_snapshots = std::move(hooks); }
    void add_routes(router& r) override;
    // 500 {"message":"internal error"}, the lab API's error shape.
    response internal_error(const request_context& ctx) const override;

private:
    void get_clock(std::shared_ptr<request_context> ctx, responder done);
    void post_clock(std::shared_ptr<request_context> ctx, responder done);
    std::string clock_json() const;
    // fault_routes.cpp
    void add_fault(std::shared_ptr<request_context> ctx, responder done);
    void list_faults(std::shared_ptr<request_context> ctx, responder done);
    void delete_faults(std::shared_ptr<request_context> ctx, responder done);
    void audit(const std::string& actor, const request_context& ctx, const std::string& what,
               const std::string& action = "lab-faults");
    // snapshot_routes.cpp
    void add_snapshot_routes(router& r);
    void take_snapshot(std::shared_ptr<request_context> ctx, responder done);
    void list_snapshots(std::shared_ptr<request_context> ctx, responder done);
    void restore_snapshot(std::shared_ptr<request_context> ctx, responder done,
                          std::optional<std::string> name);
    void delete_snapshot(std::shared_ptr<request_context> ctx, responder done,
                         const std::string& name);

    storage::store& m_store;
    std::shared_ptr<ca::offset_clock> m_clock;
    fault_store& m_faults;
    authorizer m_authorize;
    std::optional<snapshot_hooks> m_snapshots;
    // The router's admission gate: a restore runs with no other request in flight.
    std::shared_ptr<request_gate> m_gate;
};

} // namespace localca::server::lab
