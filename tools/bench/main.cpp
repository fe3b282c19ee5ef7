// localca-bench: see bench.hpp and docs/performance.md.
#include "ca/secure_memory.hpp"
#include "tools/bench/admin_bench.hpp"
#include "tools/bench/bench.hpp"
#include "tools/bench/cfssl_target.hpp"
#include "tools/bench/localca_target.hpp"
#include "tools/bench/ocsp_target.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <random>
#include <thread>
#include <unistd.h>

namespace bench = localca::bench;

namespace {

int run_ocsp(const bench::options& o, bench::localca_target& localca, unsigned cores);

constexpr const char* k_usage = R"(usage: localca-bench [options]

  --mode localca|cfssl|compare|limit|ocsp|revoke|
                                       what to run (default localca; ocsp: an issuance round,
                                       then cached OCSP GETs and nonce POSTs, docs/ocsp.md)
                                       revoke: revocation latency and issuance under
                                       revocations, CRL build, bulk (docs/performance.md)
       inventory|export|admin          the operator API at size: p50/p99 of a 100-row page per
                                       filter and of /admin/v1/stats, or the rate of a full
                                       csv/ndjson export, or both on one preload (use with
                                       --preload)
  --authority RSA|ECC                  key type of the CA and the CSRs (default RSA)
  --connections N                      keep-alive connections (default 16)
  --duration SECONDS                   length of one round (default 10)
  --rounds N                           rounds per target, one after the other on the
                                       same database (default 3 in compare mode, else 1)
  --csrs N                             distinct CSRs/devices made beforehand (default 256)
  --preload N                          certificate rows in the database before the run
  --preload-revoked N                  --mode revoke: revoked RSA rows before the run (CRL size)
  --revocations-per-second R           --mode revoke: revocation rate under the load (default 100)
  --no-group-commit                    one transaction (one fsync) per certificate
  --auth strict|token|off              EnOS auth mode of the server (default strict)
  --storage URL                        run the server on PostgreSQL: URL (postgresql://user@host/db)
                                       names a server where the user may create databases; each
                                       target runs in a fresh database there, dropped after
  --server-config JSON                 merged into the server's config.json, e.g.
                                       '{"storage":{"mmapBytes":0}}'
  --localca PATH                       localca binary (default: next to this one)
  --cfssl PATH                         cfssl binary (default: cfssl on PATH)
  --work-dir DIR                       where data dirs go (default: a temp dir)
  --keep                               keep the work dir
)";

bench::options parse(int argc, char** argv) {
    bench::options o;
    auto value = [&](int& i) -> std::string {
        if (i + 1 >= argc) {
            throw std::invalid_argument(std::string(argv[i]) + " needs a value");
        }
        return argv[++i];
    };
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--preload-revoked")
            o.preload_revoked = std::stoll(value(i));
        else if (a == "--revocations-per-second")
            o.revocations_per_second = std::stod(value(i));
        else if (a == "--mode")
            o.mode = value(i);
        else if (a == "--authority")
            o.authority = value(i);
        else if (a == "--connections")
            o.connections = std::stoul(value(i));
        else if (a == "--duration")
            o.duration = std::stod(value(i));
        else if (a == "--rounds")
            o.rounds = std::stoul(value(i));
        else if (a == "--csrs")
            o.csrs = std::stoul(value(i));
        else if (a == "--preload")
            o.preload = std::stoll(value(i));
        else if (a == "--no-group-commit")
            o.group_commit = false;
        else if (a == "--auth")
            o.auth = value(i);
        else if (a == "--server-config")
            o.server_config = value(i);
        else if (a == "--storage")
            o.storage_url = value(i);
        else if (a == "--localca")
            o.localca_bin = value(i);
        else if (a == "--cfssl")
            o.cfssl_bin = value(i);
        else if (a == "--work-dir")
            o.work_dir = value(i);
        else if (a == "--keep")
            o.keep = true;
        else if (a == "--help" || a == "-h") {
            std::cout << k_usage;
            std::exit(0);
        } else {
            throw std::invalid_argument("unknown option " + a);
        }
    }
    if (o.authority != "RSA" && o.authority != "ECC") {
        throw std::invalid_argument("--authority must be RSA or ECC");
    }
    if (o.mode != "localca" && o.mode != "cfssl" && o.mode != "compare" && o.mode != "limit" &&
        o.mode != "ocsp" && o.mode != "revoke" && o.mode != "inventory" && o.mode != "export" &&
        o.mode != "admin") {
        throw std::invalid_argument("--mode must be localca, cfssl, compare, limit, ocsp, revoke, "
                                    "inventory, export or admin");
    }
    if (o.connections == 0 || o.csrs == 0 || o.duration <= 0) {
        throw std::invalid_argument("--connections, --csrs and --duration must be positive");
    }
    if (!o.storage_url.empty() && o.preload_revoked > 0) {
        throw std::invalid_argument("--preload-revoked needs the SQLite backend (no --storage)");
    }
    if (o.localca_bin.empty()) {
        char self[4096] = {};
        const auto n = ::readlink("/proc/self/exe", self, sizeof self - 1);
        o.localca_bin =
            std::filesystem::path(std::string(self, n > 0 ? n : 0)).parent_path() / "localca";
    }
    return o;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty()
               ? 0
               : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

int run(bench::options o) {
    const bool own_dir = o.work_dir.empty();
    if (own_dir) {
        o.work_dir = std::filesystem::temp_directory_path() /
                     ("localca-bench-" + std::to_string(std::random_device{}()));
    }
    std::filesystem::create_directories(o.work_dir);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    std::printf("localca-bench: mode %s, %s, %u connections, %.0f s rounds, %u CSRs, %u cores, "
                "group commit %s, auth %s\n",
                o.mode.c_str(), o.authority.c_str(), o.connections, o.duration, o.csrs, cores,
                o.group_commit ? "on" : "off", o.auth.c_str());
    if (!o.server_config.empty()) {
        std::printf("server config: %s\n", o.server_config.c_str());
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto csrs = bench::make_csrs(o.authority, o.csrs);
    std::printf("made %u %s CSRs in %.1f s\n", o.csrs, o.authority.c_str(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());

    if (o.mode == "inventory" || o.mode == "export" || o.mode == "admin") {
        const int admin_status = bench::run_admin(o, csrs);
        if (own_dir && !o.keep) {
            std::error_code ec;
            std::filesystem::remove_all(o.work_dir, ec);
        }
        return admin_status;
    }
    const double cost = bench::botan_cost_ms(csrs, o.authority);
    const double limit = cores * 1000.0 / cost;
    std::printf("Botan limit: parse+verify+sign %.3f ms per certificate x %u cores = %.0f "
                "certificates/s\n",
                cost, cores, limit);
    int status = 0;
    if (o.mode == "limit") {
        return 0;
    }

    if (o.mode == "revoke") {
        bench::localca_target target(o, csrs);
        const int rc = bench::run_revoke_mode(target, o, csrs);
        const auto problems = target.stop_and_verify();
        for (const auto& p : problems) {
            std::printf("  %s\n", p.c_str());
        }
        if (own_dir && !o.keep) {
            std::error_code ec;
            std::filesystem::remove_all(o.work_dir, ec);
        }
        return rc || !problems.empty() ? 1 : 0;
    }
    std::unique_ptr<bench::localca_target> localca;
    std::unique_ptr<bench::cfssl_target> cfssl;
    if (o.mode != "cfssl") {
        localca = std::make_unique<bench::localca_target>(o, csrs);
        std::printf("localca started in %.3f s (pid %d)\n", localca->startup_seconds(),
                    localca->server_pid());
    }
    if (o.mode != "localca" && o.mode != "ocsp") {
        cfssl = std::make_unique<bench::cfssl_target>(o, csrs);
    }
    std::vector<double> ratios;
    std::uint64_t errors = 0;
    const unsigned rounds = o.rounds ? o.rounds : (o.mode == "compare" ? 3 : 1);
    for (unsigned r = 0; r < rounds; ++r) {
        double ours = 0;
        double theirs = 0;
        if (localca) {
            const auto res = bench::run_load(*localca, csrs.size(), o.connections, o.duration);
            bench::print_round(res, cores);
            ours = res.per_second();
            errors += res.errors;
            if (o.mode == "ocsp") {
                status = std::max(status, run_ocsp(o, *localca, cores));
            }
            if (o.mode == "localca") {
                std::printf("efficiency: %.0f%% of the Botan limit\n", 100.0 * ours / limit);
            }
            if (res.ok) {
                // The Botan limit gives the server every core; this client runs on the same
                // ones. With the client's measured cost added, no server could go faster than:
                const double ceiling = cores * 1000.0 / (cost + res.client_ms_per_cert());
                std::printf("ceiling with this client on the same cores: %.0f certificates/s "
                            "(%.0f%% of the Botan limit); localca at %.0f%% of it\n",
                            ceiling, 100.0 * ceiling / limit, 100.0 * ours / ceiling);
            }
        }
        if (cfssl) {
            const auto res = bench::run_load(*cfssl, csrs.size(), o.connections, o.duration);
            bench::print_round(res, cores);
            theirs = res.per_second();
        }
        if (localca && cfssl && theirs > 0) {
            ratios.push_back(ours / theirs);
            std::printf("round %u: localca/cfssl = %.2f, localca at %.0f%% of the Botan limit\n",
                        r + 1, ours / theirs, 100.0 * ours / limit);
        }
    }
    if (!ratios.empty()) {
        std::printf("median localca/cfssl ratio over %zu rounds: %.2f\n", ratios.size(),
                    median(ratios));
    }
    if (localca) {
        std::printf("localca peak RSS: %.1f MiB\n", bench::peak_rss_mib(localca->server_pid()));
    }
    if (cfssl) {
        std::printf("cfssl peak RSS: %.1f MiB\n", bench::peak_rss_mib(cfssl->server_pid()));
    }
    if (localca) {
        const auto problems = localca->stop_and_verify();
        for (const auto& p : problems) {
            std::printf("  %s\n", p.c_str());
        }
        status = problems.empty() ? status : 1;
    }
    if (errors) {
        std::printf("%llu localca errors\n", static_cast<unsigned long long>(errors));
        status = 1;
    }
    localca.reset();
    cfssl.reset();
    if (own_dir && !o.keep) {
        std::error_code ec;
        std::filesystem::remove_all(o.work_dir, ec);
    }
    return status;
}

// --mode ocsp, after the issuance round: cached GETs, then nonce POSTs, against the same
// server. Returns 1 on a wrong answer.
int run_ocsp(const bench::options& o, bench::localca_target& localca, unsigned cores) {
    const auto root = o.work_dir / "localca" / "data" / "ca" /
                      (o.authority == "RSA" ? "rsa.crt.pem" : "ecc.crt.pem");
    const std::size_t items = std::max<std::size_t>(o.csrs, 8);
    const double sign_ms = bench::ocsp_sign_cost_ms(o.authority);
    const double sign_limit = cores * 1000.0 / sign_ms;
    std::printf("OCSP signing limit: %.3f ms per %s signature x %u cores = %.0f responses/s\n",
                sign_ms, o.authority.c_str(), cores, sign_limit);
    int status = 0;
    for (const bool nonce : {false, true}) {
        bench::ocsp_target t(localca.port(), localca.server_pid(), root, items, nonce);
        const auto res = bench::run_load(t, items, o.connections, o.duration);
        bench::print_round(res, cores);
        if (res.errors) {
            status = 1;
        }
        if (nonce) {
            std::printf("ocsp nonce: %.0f responses/s, %.0f%% of the signing limit\n",
                        res.per_second(), 100.0 * res.per_second() / sign_limit);
            if (res.ok) {
                // The limit above gives the signatures every core, but this client runs on
                // the same ones; and on a shared machine the server gets only part of them.
                // Two figures that do not depend on that: the ceiling once the client's
                // measured cost is taken out, and the signature's share of the server's own
                // CPU per response (what an unshared server would reach at most).
                const double ceiling = cores * 1000.0 / (sign_ms + res.client_ms_per_cert());
                std::printf("ocsp nonce: ceiling with this client on the same cores %.0f "
                            "responses/s (%.0f%% of the limit), localca at %.0f%% of it; the "
                            "signature is %.0f%% of the server's CPU per response\n",
                            ceiling, 100.0 * ceiling / sign_limit,
                            100.0 * res.per_second() / ceiling,
                            100.0 * sign_ms / res.server_ms_per_cert());
            }
        } else {
            std::printf("ocsp cached GET: %.0f responses/s\n", res.per_second());
        }
    }
    return status;
}

} // namespace

int main(int argc, char** argv) {
    // The in-process Botan limit is measured under the same allocator setting as the server's.
    localca::ca::use_unpooled_secure_memory();
    try {
        return run(parse(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "localca-bench: %s\n", e.what());
        return 2;
    }
}
