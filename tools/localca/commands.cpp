// The init, seed and serve subcommands: composition root of LocalCA.
#include "ca/audit.hpp"
#include "ca/emca/issuance_service.hpp"
#include "ca/engine.hpp"
#include "ca/ocsp_responder.hpp"
#include "server/admin/browse_routes.hpp"
#include "server/admin/metrics_routes.hpp"
#include "server/admin/personality.hpp"
#include "server/core/http_server.hpp"
#include "server/core/log.hpp"
#include "server/emca/admin_routes.hpp"
#include "server/pki/ocsp_routes.hpp"
#include "storage/emca/admin_browse.hpp"
#include "storage/emca/admin_owner.hpp"
#include "storage/enos/admin_browse.hpp"
#include "storage/enos/admin_owner.hpp"
#include "storage/foundry/admin_browse.hpp"
#include "storage/foundry/admin_owner.hpp"
#include "storage/store.hpp"
#include "tools/localca/apis.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/config.hpp"
#include "tools/localca/data_dir.hpp"
#include "tools/localca/lab.hpp"
#include "tools/localca/revoke.hpp"
#include "tools/localca/seed.hpp"
#include "tools/localca/shared_keys.hpp"
#include "tools/localca/tls_certificate.hpp"

#include <csignal>
#include <fstream>
#include <iostream>
#include <pthread.h>
#include <sstream>
#include <stdexcept>

namespace localca::tools {

namespace {

std::filesystem::path data_dir_of(const arguments& args) {
    const auto* dir = args.get("--data-dir");
    if (!dir || dir->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    return *dir;
}

// File -> defaults -> command-line overrides -> validate().
config effective_config(const arguments& args) {
    config c;
    if (const auto* file = args.get("--config")) {
        c = load_config(*file);
    }
    if (const auto* v = args.get("--listen")) {
        c.server.listen = *v;
    }
    if (const auto* v = args.get("--tls-listen")) {
        c.server.tls_listen = *v;
    }
    if (const auto* v = args.get("--public-base-url")) {
        c.ca.public_base_url = *v;
        c.public_base_url_set = true;
    }
    if (const auto* v = args.get("--log-level")) {
        c.log_level = *v;
    }
    if (const auto* v = args.get("--worker-threads")) {
        try {
            c.server.worker_threads = static_cast<unsigned>(std::stoul(*v));
        } catch (const std::exception&) {
            throw std::invalid_argument("--worker-threads: must be a number");
        }
    }
    c.validate();
    server::log::level level;
    server::log::parse_level(c.log_level, &level);
    server::log::set_level(level);
    return c;
}

// Creates the dir, opens (migrates) the database and creates missing authorities.
// Returns true if anything was created.
bool ensure_initialised(const std::filesystem::path& dir, storage::store& store, const config& c) {
    const bool created = ca::engine::initialize(dir, store, c.ca, *clock_of(dir));
    sync_shared_keys(dir, store); // PostgreSQL: publish what init created
    return created;
}

std::unique_ptr<storage::store> open_store(const std::filesystem::path& dir, const config& c) {
    std::filesystem::create_directories(dir);
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    auto store = std::make_unique<storage::store>(storage_options(dir, c.storage));
    // PostgreSQL: the CA's keys from the database before any engine loads them.
    sync_shared_keys(dir, *store);
    return store;
}

} // namespace

int cmd_revoke(const arguments& args) {
    const auto dir = data_dir_of(args);
    const auto c = effective_config(args);
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    // No data-dir lock: the server may be running (as `localca emca approve`).
    auto store = open_store(dir, c);
    ca::engine engine(dir, *store, c.ca, clock_of(dir));
    const int rc = run_bulk_revocation(args, engine);
    store->writer().stop();
    return rc;
}

int cmd_init(const arguments& args) {
    const auto dir = data_dir_of(args);
    const auto c = effective_config(args);
    auto store = open_store(dir, c);
    if (ensure_initialised(dir, *store, c)) {
        std::cout << "initialised " << dir.string() << " (database, RSA and ECC authorities)\n";
    } else {
        std::cout << "data dir " << dir.string() << " is already initialised; nothing changed\n";
    }
    return 0;
}

int cmd_seed(const arguments& args) {
    if (args.positional.size() != 1) {
        throw std::invalid_argument(
            "seed needs the FILE argument (localca seed FILE --data-dir DIR)");
    }
    const auto dir = data_dir_of(args);
    const auto c = effective_config(args);
    std::ifstream in(args.positional[0], std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read seed file " + args.positional[0]);
    }
    std::stringstream ss;
    ss << in.rdbuf();
    const auto data = parse_seed(ss.str()); // validates everything before touching the dir
    auto store = open_store(dir, c);
    ensure_initialised(dir, *store, c);
    ca::engine engine(dir, *store, c.ca, clock_of(dir)); // the sealing key of the secrets
    const auto report = apply_seed(*store, data, engine.secrets(), engine.clock());
    // After the seed's transaction: fixtures are bound to the devices it made.
    const auto fixtures = issue_fixtures(engine, data);
    if (fixtures.issued > 0) {
        std::cout << "seed " << args.positional[0] << ": " << fixtures.issued
                  << " fixture certificate(s) issued, " << fixtures.revoked << " revoked\n";
    }
    if (data.lab_faults) {
        // Rules live in the server's memory: kept here for its next start (docs/lab.md).
        const auto path = seeded_faults_path(dir);
        const auto tmp = path.string() + ".tmp";
        std::ofstream(tmp, std::ios::binary | std::ios::trunc) << *data.lab_faults;
        std::filesystem::rename(tmp, path);
        std::cout << "seed " << args.positional[0] << ": lab fault rules kept in " << path.string()
                  << " (installed when the server starts in lab mode)\n";
    }
    if (report.inserted_or_changed == 0) {
        std::cout << "seed " << args.positional[0] << ": nothing changed (" << report.unchanged
                  << " rows already up to date)\n";
    } else {
        std::cout << "seed " << args.positional[0] << ": " << report.inserted_or_changed
                  << " rows written, " << report.unchanged << " unchanged\n";
    }
    return 0;
}

int cmd_serve(const arguments& args) {
    const auto dir = data_dir_of(args);
    const auto c = effective_config(args);

    // Signals are taken synchronously by this thread (sigwait), so they are blocked before any
    // other thread exists and every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    // A write past RLIMIT_FSIZE (a file-size quota, or how the tests fill the "disk") must fail
    // with EFBIG like a full disk, which SQLite turns into an error the writer recovers from;
    // SIGXFSZ's default action would kill the server instead.
    std::signal(SIGXFSZ, SIG_IGN);

    std::filesystem::create_directories(dir);
    data_dir_lock lock(dir);
    auto store = open_store(dir, c);
    if (ensure_initialised(dir, *store, c)) {
        server::log::info("initialised data dir " + dir.string());
    }
    // Lab mode (tools/localca/lab.hpp): records the switch, and when on the engine runs on the
    // time travel clock.
    lab_mode lab(*store, c.lab);
    ca::engine engine(dir, *store, c.ca, lab.clock());

    server::router routes;
    std::vector<std::shared_ptr<void>> personalities; // declared before http: outlive it
    // GET /metrics reads the counters of every route, the engine and the writer; APIs add
    // their key pools to it.
    server::admin::metrics_routes metrics(engine, routes,
                                          {c.metrics.public_access, LOCALCA_VERSION});
    const api_context ctx{dir, c, *store, engine, metrics};
    for (const auto& a : apis()) {
        personalities.push_back(a.serve(ctx, routes));
    }
    // The OCSP responder is the core's, not an API's: responder certificates before the first
    // request (blocks: keys, two issuances); the TLS listener staples its answers.
    ca::ocsp_responder ocsp(engine, c.ocsp);
    ocsp.start(engine.clock().now());
    server::pki::ocsp_routes ocsp_routes(engine, ocsp);
    routes.add_personality(ocsp_routes);

    // The operator API: vendor-neutral, with each vendor module's owner joins and filters.
    storage::admin::owner_registry owners;
    owners.add(storage::enos::admin_owner());
    owners.add(storage::foundry::admin_owner());
    owners.add(storage::emca::admin_owner());
    server::admin::personality admin(engine, owners);
    routes.add_personality(admin);
    server::emca::admin_routes emca_admin(engine);
    routes.add_personality(emca_admin);
    // The browse lists (orgs, accounts, users, …): each vendor module describes its own.
    std::vector<storage::admin::browse_source> lists;
    for (auto module : {storage::enos::admin_browse, storage::foundry::admin_browse,
                        storage::emca::admin_browse}) {
        for (auto& s : module()) {
            lists.push_back(std::move(s));
        }
    }
    server::admin::browse_routes browse(engine, std::move(lists));
    routes.add_personality(browse);
    lab.add_routes(routes, dir, engine); // /lab/v1 and fault rules only in lab mode
    routes.add_personality(metrics);

    server::http_server http(c.server, routes);
    const install_certificate install = [&http](const std::string& chain, const std::string& key,
                                                std::shared_ptr<const server::ocsp_staple> s) {
        http.set_tls_certificate(chain, key, std::move(s));
    };
    // Declared after http: stopped and destroyed first, so it never installs into a dead server.
    std::unique_ptr<auto_certificate> tls_auto;
    if (c.tls.automatic()) {
        tls_auto = std::make_unique<auto_certificate>(engine, c.tls, install, &ocsp);
        tls_auto->start();
    } else if (!c.server.tls_listen.empty()) {
        install_certificate_files(c.tls, install);
    }
    http.start();
    {
        ca::audit_event started;
        started.actor = "cli";
        started.action = "start";
        ca::record_audit(*store, started, engine.clock());
    }
    const auto host_of = [](const std::string& listen) {
        return listen.substr(0, listen.rfind(':'));
    };
    std::string where;
    if (!c.server.listen.empty()) {
        where = "http://" + host_of(c.server.listen) + ":" + std::to_string(http.port());
    }
    if (!c.server.tls_listen.empty()) {
        where += (where.empty() ? "https://" : " and https://") + host_of(c.server.tls_listen) +
                 ":" + std::to_string(http.tls_port());
    }
    server::log::info(std::string("localca ") + LOCALCA_VERSION + " listening on " + where +
                      " (data dir " + dir.string() + ")");

    int sig = 0;
    sigwait(&signals, &sig);
    server::log::info(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
                      ", finishing in-flight requests");
    if (tls_auto) {
        tls_auto->stop();
    }
    http.stop();
    http.wait();
    lab.stop();
    {
        ca::audit_event stopped; // after every in-flight request's own entries
        stopped.actor = "cli";
        stopped.action = "stop";
        ca::record_audit(*store, stopped, engine.clock());
    }
    store->writer().stop(); // every queued write is committed before we exit
    server::log::info("stopped");
    return 0;
}

int cmd_emca(const arguments& args) {
    const auto& pos = args.positional;
    const bool listing = pos.size() == 1 && pos[0] == "pending";
    const bool deciding = pos.size() == 2 && (pos[0] == "approve" || pos[0] == "reject");
    if (!listing && !deciding) {
        throw std::invalid_argument("usage: localca emca pending|approve|reject REQUESTID "
                                    "--data-dir DIR");
    }
    const auto dir = data_dir_of(args);
    const auto c = effective_config(args);
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    // No data-dir lock: the server may be running. SQLite (WAL, busy timeout) serialises our
    // writes with its writer, and serials come from the shared durable sequence.
    auto store = open_store(dir, c);
    ca::engine engine(dir, *store, c.ca, clock_of(dir));
    ca::emca::issuance_service service(engine);
    if (listing) {
        const auto list = service.pending();
        std::cout << "requestId\tuser\tid\tprofile\tsubject\n";
        for (const auto& p : list) {
            std::cout << p.request << '\t' << p.user_name << '\t' << p.item_id << '\t'
                      << p.profile_id << '\t' << p.subject << '\n';
        }
        return 0;
    }
    std::int64_t request = 0;
    try {
        std::size_t used = 0;
        request = std::stoll(pos[1], &used);
        if (used != pos[1].size() || request <= 0) {
            throw std::invalid_argument(pos[1]);
        }
    } catch (const std::exception&) {
        throw std::invalid_argument("REQUESTID must be a positive integer, not '" + pos[1] + "'");
    }
    if (pos[0] == "approve") {
        const auto r = service.approve(request);
        if (!r) {
            throw std::runtime_error(r.err().message + ": " + r.err().detail);
        }
        std::cout << "approved request " << request << ": certificate " << r->sn << " ("
                  << ca::to_string(r->authority) << ")\n";
    } else {
        const auto r = service.reject(request);
        if (!r) {
            throw std::runtime_error(r.err().message + ": " + r.err().detail);
        }
        std::cout << "rejected request " << request << "\n";
    }
    store->writer().stop();
    return 0;
}

} // namespace localca::tools
