// `localca lab` and lab mode's wiring in `serve` (docs/lab.md).
#include "tools/localca/lab.hpp"
#include "tools/localca/lab_snapshot.hpp"

#include "ca/lab_clock.hpp"
#include "server/admin/auth.hpp"
#include "server/core/log.hpp"
#include "storage/lab_state_repository.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/data_dir.hpp"

#include "storage/connection.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace localca::tools {

namespace {

std::string clock_line(std::chrono::seconds offset) {
    const ca::offset_clock lab_time(ca::real_time(), offset);
    return R"({"now":")" + ca::rfc3339(lab_time.now()) + R"(","offsetSeconds":)" +
           std::to_string(offset.count()) + "}";
}

// The rules `localca seed` kept (seeded_faults_path), in their order; none without the file.
void load_seeded_faults(server::lab::fault_store& faults, const std::filesystem::path& dir) {
    const auto path = seeded_faults_path(dir);
    if (!std::filesystem::exists(path)) {
        return;
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const auto rules = boost::json::parse(text.str());
    for (const auto& v : rules.as_array()) {
        auto parsed = server::lab::parse_fault_rule(v);
        if (!parsed.rule) {
            throw std::runtime_error(path.string() + ": " + parsed.field + ": " + parsed.error);
        }
        faults.add(std::move(*parsed.rule));
    }
    server::log::warn("lab: " + std::to_string(rules.as_array().size()) +
                      " fault rule(s) of the seed installed");
}

// The snapshot API of a running server (server/lab/snapshot_routes.cpp) over the data dir's
// snapshots, restored through the server's own store.
server::lab::snapshot_hooks snapshot_hooks_for(storage::store& store, ca::engine& engine,
                                               const std::filesystem::path& dir,
                                               std::shared_ptr<ca::offset_clock> clk) {
    server::lab::snapshot_hooks h;
    h.valid_name = [](const std::string& n) { return valid_snapshot_name(n); };
    h.take = [dir](const std::string& n) { return take_snapshot(dir, n); };
    h.list = [dir] {
        std::vector<std::pair<std::string, std::int64_t>> out;
        for (const auto& s : list_snapshots(dir)) {
            out.emplace_back(s.name, s.certificates);
        }
        return out;
    };
    h.exists = [dir](const std::string& n) {
        return std::filesystem::exists(database_path(snapshots_dir(dir) / n));
    };
    h.remove = [dir](const std::string& n) { return delete_snapshot(dir, n); };
    h.restore = [&store, &engine, dir, clk](const std::string& n, const std::string& actor,
                                            const std::string& ip) {
        const auto r = restore_snapshot(store, dir, n, ca::audit_context{actor, ip, ""}, *clk);
        // The restored lab time at once, not at the next poll.
        clk->set_offset(
            std::chrono::seconds(storage::read_lab_state(store.reader()).offset_seconds));
        // Views kept outside the database (the Foundry broker files) follow the restored state.
        engine.state_replaced();
        return server::lab::snapshot_hooks::restored{r.certificates_before, r.certificates_after,
                                                     r.next_serial};
    };
    h.baseline = std::string(k_baseline_snapshot);
    return h;
}

} // namespace

std::shared_ptr<const ca::clock> stored_lab_clock(const std::filesystem::path& dir) {
    if (!database_initialised(dir)) {
        return ca::real_time();
    }
    storage::lab_state s;
    { s = storage::read_lab_state(*storage::open_connection(storage_options(dir))); }
    if (!s.enabled || s.offset_seconds == 0) {
        return ca::real_time();
    }
    return std::make_shared<ca::offset_clock>(ca::real_time(),
                                              std::chrono::seconds(s.offset_seconds));
}

server::lab::authorizer lab_authorizer(storage::store& store, const ca::clock& clk) {
    return [&store, &clk](const server::request_context& ctx,
                          const server::responder& done) -> std::optional<std::string> {
        const auto who =
            server::admin::authorize(ctx, server::admin::role::operator_role, store, clk, done);
        if (!who) {
            return std::nullopt;
        }
        return who->actor();
    };
}

std::filesystem::path seeded_faults_path(const std::filesystem::path& dir) {
    return dir / "lab-faults.json";
}

lab_mode::lab_mode(storage::store& store, const lab_config& c) : m_store(store), m_config(c) {
    const bool on = c.enabled;
    m_store.writer().run([on](storage::connection& db) { storage::write_lab_enabled(db, on); });
    if (!on) {
        return;
    }
    m_clock = std::make_shared<ca::offset_clock>(ca::real_time(), ca::stored_lab_offset(store));
    server::log::warn(
        "LAB MODE is ON: the CA's clock can be moved (/lab/v1/clock, `localca lab clock`); "
        "certificates, CRLs and tokens follow the lab time; fault rules (/lab/v1/faults) may "
        "make calls fail. Never use it for a real CA. The lab API needs an operator admin "
        "token. Lab time now " +
        ca::rfc3339(m_clock->now()) + ", offset " +
        std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(m_clock->offset()).count()) +
        " s.");
}

lab_mode::~lab_mode() {
    stop();
}

std::shared_ptr<const ca::clock> lab_mode::clock() const {
    if (m_clock) {
        return m_clock;
    }
    return ca::real_time();
}

void lab_mode::add_routes(server::router& routes, const std::filesystem::path& dir,
                          ca::engine& engine) {
    if (!m_clock) {
        return; // lab mode off: /lab/v1 stays an ordinary 404, and no call is ever faulted
    }
    // The state reset goes back to: taken by the first lab-mode start, i.e. after init + seed.
    if (m_store.opts().backend == storage::backend::sqlite) {
        ensure_baseline_snapshot(dir);
    }
    m_faults = std::make_unique<server::lab::fault_store>(m_store, m_clock);
    load_seeded_faults(*m_faults, dir);
    m_api = std::make_unique<server::lab::personality>(m_store, m_clock, *m_faults,
                                                       lab_authorizer(m_store, *m_clock));
    auto hooks = snapshot_hooks_for(m_store, engine, dir, m_clock);
    if (m_store.opts().backend != storage::backend::sqlite) {
        hooks.unsupported = "lab snapshots are for the SQLite backend only; with PostgreSQL save "
                            "and restore the database with pg_dump / pg_restore";
    }
    m_api->set_snapshot_hooks(std::move(hooks));
    routes.add_personality(*m_api);
    routes.set_fault_injector(m_faults.get());
    m_routes = &routes;
    m_sync = std::make_unique<server::lab::clock_sync>(m_store, m_clock);
    m_sync->start();
}

void lab_mode::stop() {
    if (m_routes) {
        m_routes->set_fault_injector(nullptr);
        m_routes = nullptr;
    }
    if (m_sync) {
        m_sync->stop();
    }
}

bool lab_mode_on(const arguments& args, const std::filesystem::path& dir) {
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    // On when the config says so, else when the data dir's last server start had it on.
    std::optional<bool> configured;
    if (const auto* file = args.get("--config")) {
        configured = load_config(*file).lab.enabled;
    }
    storage::store store(storage_options(dir));
    const auto state = storage::read_lab_state(store.reader());
    store.writer().stop();
    if (!configured.value_or(state.enabled)) {
        std::cerr << "localca lab: lab mode is off for data dir " << dir.string()
                  << "; it is turned on by \"lab\": {\"enabled\": true} in the server's config "
                     "(start `localca serve --config FILE` with it once, or pass --config FILE "
                     "here). See docs/lab.md.\n";
        return false;
    }
    return true;
}

int cmd_lab(const arguments& args) {
    const auto& pos = args.positional;
    if (!pos.empty() && pos[0] == "faults") {
        return cmd_lab_faults(args);
    }
    if (!pos.empty() && is_snapshot_verb(pos[0])) {
        return cmd_lab_snapshot(args);
    }
    if (pos.empty() || pos[0] != "clock" || pos.size() < 2) {
        throw std::invalid_argument(
            "usage: localca lab clock advance DURATION|set RFC3339|reset|show --data-dir DIR");
    }
    const auto* dir_arg = args.get("--data-dir");
    if (!dir_arg || dir_arg->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    const std::filesystem::path dir = *dir_arg;
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    if (!lab_mode_on(args, dir)) {
        return 1;
    }
    storage::store store(storage_options(dir));
    const auto state = storage::read_lab_state(store.reader());
    const auto& verb = pos[1];
    ca::lab_clock_change change;
    if (verb == "show" && pos.size() == 2) {
        std::cout << clock_line(std::chrono::seconds(state.offset_seconds)) << "\n";
        return 0;
    } else if (verb == "advance" && pos.size() == 3) {
        const auto d = ca::parse_lab_duration(pos[2]);
        if (!d) {
            throw std::invalid_argument("advance: '" + pos[2] +
                                        "' is not a duration such as 30d, 12h, 90m, 45s");
        }
        change.what = ca::lab_clock_change::kind::advance;
        change.by = *d;
    } else if (verb == "set" && pos.size() == 3) {
        const auto t = ca::parse_rfc3339(pos[2]);
        if (!t) {
            throw std::invalid_argument("set: '" + pos[2] +
                                        "' is not an RFC 3339 time such as 2027-01-01T00:00:00Z");
        }
        change.what = ca::lab_clock_change::kind::set;
        change.to = *t;
    } else if (verb == "reset" && pos.size() == 2) {
        change.what = ca::lab_clock_change::kind::reset;
    } else {
        throw std::invalid_argument(
            "usage: localca lab clock advance DURATION|set RFC3339|reset|show --data-dir DIR");
    }
    const auto offset = ca::change_lab_clock(store, change, ca::audit_context{"cli", "", ""});
    store.writer().stop();
    std::cout << clock_line(offset) << "\n";
    return 0;
}

} // namespace localca::tools
