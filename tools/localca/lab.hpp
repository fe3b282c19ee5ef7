#pragma once
// Lab mode in the composition root (docs/lab.md): the switch, the server's time travel clock,
// the lab API's authorizer hook, and `localca lab`.
#include "ca/clock.hpp"
#include "ca/engine.hpp"
#include "server/core/router.hpp"
#include "server/lab/clock_sync.hpp"
#include "server/lab/faults.hpp"
#include "server/lab/personality.hpp"
#include "storage/store.hpp"
#include "tools/localca/config.hpp"

#include <filesystem>
#include <memory>
#include <string>

namespace localca::tools {

// The clock a command on `dir` decides by: the real time shifted by the stored offset when the
// data dir's lab mode is on, else the real time (used by clock_of()).
std::shared_ptr<const ca::clock> stored_lab_clock(const std::filesystem::path& dir);

// THE authorizer hook of the lab API: an operator admin token (server/admin/auth.hpp; 401
// without a valid token, 403 with a viewer's, both audited), actor "admin:<token name>".
server::lab::authorizer lab_authorizer(storage::store& store, const ca::clock& clk);

// The seed's lab.faults, kept in the data dir for the server to load when it starts: rules
// live in the server's memory, and the seed runs before it.
std::filesystem::path seeded_faults_path(const std::filesystem::path& dir);

// What `serve` holds: records the switch in the data dir (so `localca lab` knows it), logs the
// warning, and when on owns the offset clock and its poller.
// `localca lab faults add|list|clear` (lab_faults.cpp): the running server's rules, over HTTP.
struct arguments;
int cmd_lab_faults(const arguments& args);

// One call to the running server's lab API (lab_faults.cpp): --server HOST:PORT (default
// 127.0.0.1:8080, plain HTTP), --token T (default $LOCALCA_ADMIN_TOKEN, an operator token).
struct lab_answer {
    unsigned status = 0;
    std::string body;
    std::string server;
};
lab_answer call_lab_api(const arguments& args, const std::string& method, const std::string& target,
                        const std::string& body);
// Prints the answer (stdout) or the refusal (stderr, "lab mode is off" for a 404 of /lab/v1);
// the exit code.
int print_lab_answer(const lab_answer& res, const std::string& what);

// `localca lab snapshot|restore|snapshots|reset` (lab_snapshot.cpp).
bool is_snapshot_verb(const std::string& verb);
int cmd_lab_snapshot(const arguments& args);

// Whether lab mode is on for `dir` (--config FILE's switch, else the data dir's last server
// start); prints the refusal of every `localca lab` command when it is off. Throws when `dir`
// is not an initialised data dir.
bool lab_mode_on(const arguments& args, const std::filesystem::path& dir);

class lab_mode {
public:
    lab_mode(storage::store& store, const lab_config& c);
    ~lab_mode();
    lab_mode(const lab_mode&) = delete;
    lab_mode& operator=(const lab_mode&) = delete;

    bool enabled() const { return m_config.enabled; }
    // The engine's clock: the offset clock in lab mode, else the real time.
    std::shared_ptr<const ca::clock> clock() const;
    // Adds /lab/v1 (lab mode only), installs the fault rules (the seed's first, from `dir`) and
    // starts following the stored offset.
    void add_routes(server::router& routes, const std::filesystem::path& dir, ca::engine& engine);
    // Stops the poller (before the store goes).
    void stop();

private:
    storage::store& m_store;
    lab_config m_config;
    std::shared_ptr<ca::offset_clock> m_clock;
    std::unique_ptr<server::lab::clock_sync> m_sync;
    std::unique_ptr<server::lab::fault_store> m_faults;
    const server::router* m_routes = nullptr; // its fault injector is ours until stop()
    std::unique_ptr<server::lab::personality> m_api;
};

} // namespace localca::tools
