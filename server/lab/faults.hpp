#pragma once
// Lab fault rules (docs/lab.md, "Fault injection"): the generic rule store and matching behind
// server/core/fault_hook.hpp. A rule names an API and an operation, optionally attributes the
// call must carry (orgId, deviceKey, accountId, userName, applicationId, ...: each personality
// says which it extracts), one effect, and how often it fires: the next `times` matching calls,
// or each matching call with `probability` drawn from a generator seeded with `seed` (so a run
// is repeatable), until an optional time on the lab clock.
//
// Rules live in memory, per server process: `localca lab faults` talks to the running server
// over HTTP; a seed file's lab.faults are loaded when the server starts.
#include "ca/clock.hpp"
#include "server/core/fault_hook.hpp"
#include "storage/store.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace localca::server::lab {

struct fault_rule {
    std::int64_t id = 0;
    std::string api;
    std::string operation;
    fault_attributes match;
    fault_effect effect;
    std::optional<std::int64_t> times;
    std::optional<double> probability;
    std::uint64_t seed = 0;
    std::optional<ca::clock::time_point> until;
    std::int64_t fired = 0;
};

// The rule of a JSON object in the format of the API, the CLI and the seed, or the field that is
// wrong and why (`error` set, `rule` unset).
struct rule_parse {
    std::optional<fault_rule> rule;
    std::string field;
    std::string error;
};
rule_parse parse_fault_rule(const boost::json::value& v);

// The rule as the API lists it: the format above plus "id" and "fired".
boost::json::object to_json(const fault_rule& r);

class fault_store final : public fault_injector {
public:
    // Firings are audited through `store` at `clk`'s time (both outlive the fault store).
    fault_store(storage::store& store, std::shared_ptr<const ca::clock> clk);

    fault_rule add(fault_rule r); // assigns the id
    std::vector<fault_rule> list() const;
    bool remove(std::int64_t id);
    std::size_t clear();

    std::optional<fault_effect> fire(const request_context& ctx, std::string_view api,
                                     std::string_view operation,
                                     const fault_attributes& attributes) override;

private:
    struct entry {
        fault_rule rule;
        std::mt19937_64 draws;
    };
    storage::store& m_store;
    std::shared_ptr<const ca::clock> m_clock;
    mutable std::mutex m_mutex;
    std::vector<entry> m_rules;
    std::int64_t m_next_id = 1;
};

} // namespace localca::server::lab
