#include "server/lab/faults.hpp"

#include "ca/audit.hpp"
#include "ca/lab_clock.hpp"
#include "server/core/log.hpp"

#include <algorithm>

namespace localca::server::lab {

namespace json = boost::json;

namespace {

// The calls that carry a hook (one per handler, in each personality), so that a rule with a
// typo is refused instead of never firing.
const std::vector<std::pair<std::string, std::string>>& known_operations() {
    static const std::vector<std::pair<std::string, std::string>> ops = {
        {"enos", "apply"},  {"enos", "renew"}, {"foundry", "generate"},
        {"emca", "create"}, {"ocsp", "ocsp"},
    };
    return ops;
}

rule_parse refuse(std::string field, std::string error) {
    return rule_parse{std::nullopt, std::move(field), std::move(error)};
}

std::optional<std::int64_t> positive_int(const json::value& v) {
    if (v.is_int64() && v.as_int64() > 0) {
        return v.as_int64();
    }
    if (v.is_uint64() && v.as_uint64() > 0 && v.as_uint64() < (1ULL << 62)) {
        return static_cast<std::int64_t>(v.as_uint64());
    }
    return std::nullopt;
}

std::optional<std::string> parse_effect(const json::value& v, fault_effect& e) {
    using k = fault_effect::kind;
    if (!v.is_object() || v.as_object().size() != 1) {
        return "effect must be an object with one of vendorError, httpStatus, delayMs, reset, "
               "truncate";
    }
    const auto& [key, value] = *v.as_object().begin();
    if (key == "vendorError") {
        if (!value.is_object() || value.as_object().empty()) {
            return "vendorError must be an object of the vendor's own error fields";
        }
        e.what = k::vendor_error;
        e.vendor_error = json::serialize(value);
    } else if (key == "httpStatus") {
        const auto s = positive_int(value);
        if (!s || *s < 100 || *s > 599) {
            return "httpStatus must be an HTTP status 100..599";
        }
        e.what = k::http_status;
        e.status = static_cast<unsigned>(*s);
    } else if (key == "delayMs") {
        const auto ms = positive_int(value);
        if (!ms || *ms > 600000) {
            return "delayMs must be 1..600000";
        }
        e.what = k::delay;
        e.delay = std::chrono::milliseconds(*ms);
    } else if (key == "reset" || key == "truncate") {
        if (!value.is_bool() || !value.as_bool()) {
            return std::string(key) + " must be true";
        }
        e.what = key == "reset" ? k::reset : k::truncate;
    } else {
        return "unknown effect '" + std::string(key) +
               "'; one of vendorError, httpStatus, delayMs, reset, truncate";
    }
    return std::nullopt;
}

std::string describe(const fault_rule& r) {
    return "fault rule " + std::to_string(r.id) + " (" + r.api + " " + r.operation + ", " +
           to_string(r.effect.what) + ")";
}

} // namespace

rule_parse parse_fault_rule(const json::value& v) {
    if (!v.is_object()) {
        return refuse("body", "a rule must be a JSON object");
    }
    const auto& o = v.as_object();
    for (const auto& [key, _] : o) {
        static const std::vector<std::string> allowed = {"api",   "operation",   "match", "effect",
                                                         "times", "probability", "seed",  "until"};
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            return refuse(std::string(key), "unknown field '" + std::string(key) + "'");
        }
    }
    fault_rule r;
    const auto* api = o.if_contains("api");
    const auto* op = o.if_contains("operation");
    if (!api || !api->is_string() || !op || !op->is_string()) {
        return refuse(api && api->is_string() ? "operation" : "api",
                      "api and operation are required strings");
    }
    r.api = api->as_string();
    r.operation = op->as_string();
    const auto& ops = known_operations();
    if (std::find(ops.begin(), ops.end(), std::pair(r.api, r.operation)) == ops.end()) {
        std::string known;
        for (const auto& [a, o2] : ops) {
            known += (known.empty() ? "" : ", ") + a + " " + o2;
        }
        return refuse("operation",
                      "no hook for " + r.api + " " + r.operation + "; known: " + known);
    }
    if (const auto* m = o.if_contains("match")) {
        if (!m->is_object()) {
            return refuse("match", "match must be an object of attribute strings");
        }
        for (const auto& [key, value] : m->as_object()) {
            if (!value.is_string()) {
                return refuse("match", "match." + std::string(key) + " must be a string");
            }
            r.match[std::string(key)] = std::string(value.as_string());
        }
    }
    const auto* effect = o.if_contains("effect");
    if (!effect) {
        return refuse("effect", "effect is required");
    }
    if (auto e = parse_effect(*effect, r.effect)) {
        return refuse("effect", *e);
    }
    const auto* times = o.if_contains("times");
    const auto* probability = o.if_contains("probability");
    if (times && probability) {
        return refuse("times", "times and probability exclude each other");
    }
    if (times) {
        r.times = positive_int(*times);
        if (!r.times) {
            return refuse("times", "times must be a positive integer");
        }
    }
    if (probability) {
        if (!probability->is_number() || probability->to_number<double>() <= 0 ||
            probability->to_number<double>() > 1) {
            return refuse("probability", "probability must be a number in (0, 1]");
        }
        r.probability = probability->to_number<double>();
        const auto* seed = o.if_contains("seed");
        if (!seed || !(seed->is_int64() || seed->is_uint64()) ||
            (seed->is_int64() && seed->as_int64() < 0)) {
            return refuse("seed", "a probability needs a non-negative integer seed");
        }
        r.seed =
            seed->is_int64() ? static_cast<std::uint64_t>(seed->as_int64()) : seed->as_uint64();
    } else if (o.if_contains("seed")) {
        return refuse("seed", "seed goes with probability");
    }
    if (const auto* until = o.if_contains("until")) {
        r.until = until->is_string() ? ca::parse_rfc3339(until->as_string()) : std::nullopt;
        if (!r.until) {
            return refuse("until", "until must be an RFC 3339 time such as 2027-01-01T00:00:00Z");
        }
    }
    return rule_parse{std::move(r), "", ""};
}

json::object to_json(const fault_rule& r) {
    json::object o;
    o["id"] = r.id;
    o["api"] = r.api;
    o["operation"] = r.operation;
    json::object match;
    for (const auto& [k, v] : r.match) {
        match[k] = v;
    }
    o["match"] = std::move(match);
    json::object effect;
    using k = fault_effect::kind;
    switch (r.effect.what) {
    case k::vendor_error:
        effect["vendorError"] = json::parse(r.effect.vendor_error);
        break;
    case k::http_status:
        effect["httpStatus"] = r.effect.status;
        break;
    case k::delay:
        effect["delayMs"] = r.effect.delay.count();
        break;
    case k::reset:
        effect["reset"] = true;
        break;
    case k::truncate:
        effect["truncate"] = true;
        break;
    }
    o["effect"] = std::move(effect);
    if (r.times) {
        o["times"] = *r.times;
    }
    if (r.probability) {
        o["probability"] = *r.probability;
        o["seed"] = r.seed;
    }
    if (r.until) {
        o["until"] = ca::rfc3339(*r.until);
    }
    o["fired"] = r.fired;
    return o;
}

fault_store::fault_store(storage::store& store, std::shared_ptr<const ca::clock> clk)
    : m_store(store), m_clock(std::move(clk)) {}

fault_rule fault_store::add(fault_rule r) {
    const std::lock_guard lock(m_mutex);
    r.id = m_next_id++;
    r.fired = 0;
    std::mt19937_64 draws(r.seed);
    m_rules.push_back(entry{r, draws});
    return r;
}

std::vector<fault_rule> fault_store::list() const {
    const std::lock_guard lock(m_mutex);
    std::vector<fault_rule> out;
    for (const auto& e : m_rules) {
        out.push_back(e.rule);
    }
    return out;
}

bool fault_store::remove(std::int64_t id) {
    const std::lock_guard lock(m_mutex);
    const auto n = std::erase_if(m_rules, [id](const entry& e) { return e.rule.id == id; });
    return n > 0;
}

std::size_t fault_store::clear() {
    const std::lock_guard lock(m_mutex);
    const auto n = m_rules.size();
    m_rules.clear();
    return n;
}

std::optional<fault_effect> fault_store::fire(const request_context& ctx, std::string_view api,
                                              std::string_view operation,
                                              const fault_attributes& attributes) {
    std::optional<fault_rule> fired;
    {
        const std::lock_guard lock(m_mutex);
        const auto now = m_clock->now();
        for (auto& e : m_rules) {
            auto& r = e.rule;
            if (r.api != api || r.operation != operation || (r.until && now >= *r.until) ||
                (r.times && r.fired >= *r.times)) {
                continue;
            }
            const bool matches = std::all_of(r.match.begin(), r.match.end(), [&](const auto& m) {
                const auto it = attributes.find(m.first);
                return it != attributes.end() && it->second == m.second;
            });
            if (!matches) {
                continue;
            }
            // One draw per matching call, so that a seed gives the same firings in every run.
            if (r.probability &&
                std::uniform_real_distribution<double>(0, 1)(e.draws) >= *r.probability) {
                continue;
            }
            ++r.fired;
            fired = r;
            break;
        }
    }
    if (!fired) {
        return std::nullopt;
    }
    const auto what = describe(*fired) + " fired, " + std::to_string(fired->fired) +
                      (fired->times ? " of " + std::to_string(*fired->times) : std::string()) +
                      ", request " + ctx.request_id;
    log::warn(what);
    ca::audit_event event;
    event.actor = "lab-fault";
    event.action = "lab-fault";
    event.subject = what;
    event.source_ip = ctx.remote_address;
    // Queued, not waited for (this is a request's thread). The job shares ownership of the clock:
    // the store of rules (and with it the clock) may go while the append is still queued.
    try {
        m_store.writer().submit(
            [event, clk = m_clock](storage::connection& db) { ca::append_audit(db, event, *clk); },
            [](std::exception_ptr) {});
    } catch (const std::exception&) {
        // Writer stopped: the server is shutting down.
    }
    return fired->effect;
}

} // namespace localca::server::lab
