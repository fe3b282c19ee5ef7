// --mode revoke (docs/performance.md "Revocation at scale"): with --preload-revoked N revoked
// certificates, the time to build that CRL on a fetch, revocation latency at a steady rate
// without issuance load (ECC rows, then RSA rows: the small and the large CRL rebuilt behind
// them) and while issuance runs at --connections, issuance latency meanwhile, and a bulk
// revocation of the live ECC rows (--preload's and the phase's leftovers) through
// POST /pki/v1/revocations.
#include "ca/clock.hpp"
#include "storage/certificate_repository.hpp"
#include "storage/crl_state_repository.hpp"
#include "storage/serial_sequence.hpp"
#include "storage/store.hpp"
#include "tools/bench/localca_target.hpp"

#include <botan/auto_rng.h>
#include <botan/der_enc.h>
#include <botan/pkix_types.h>

#include <boost/json.hpp>

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <regex>
#include <thread>

namespace localca::bench {

namespace json = boost::json;

namespace {

using steady = std::chrono::steady_clock;

double ms_since(steady::time_point t0) {
    return std::chrono::duration<double, std::milli>(steady::now() - t0).count();
}

double percentile_revoke(std::vector<double> v, double p) {
    if (v.empty()) {
        return 0;
    }
    const auto k = static_cast<std::size_t>(std::min<double>(v.size() - 1, p / 100.0 * v.size()));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    return v[k];
}

std::vector<std::pair<std::string, std::string>> auth() {
    return {{"Authorization", std::string("Bearer ") + localca_target::pki_token}};
}

// Live rows preload_revoked adds per authority for the phases without issuance load (the load's
// own certificates are what the phase under load revokes): serials of RSA, then of ECC.
constexpr std::int64_t k_revoke_alone_rows = 2000;
std::vector<std::int64_t> g_revoke_alone_rsa;
std::vector<std::int64_t> g_revoke_alone_ecc;

struct revoke_phase_result {
    std::vector<double> ms;
    std::uint64_t errors = 0;
};

// POST /pki/v1/certificates/{sn}/revoke at `rate` per second for `seconds`, one at a time, for
// the serials `next` hands out (none: skipped).
revoke_phase_result revoke_at_rate(std::uint16_t port, double rate, double seconds,
                                   const std::function<std::optional<std::int64_t>()>& next) {
    revoke_phase_result out;
    const auto start = steady::now();
    const auto period = std::chrono::duration<double>(1.0 / rate);
    for (std::size_t i = 0;; ++i) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<steady::duration>(period * static_cast<double>(i)));
        if (ms_since(start) > seconds * 1000) {
            break;
        }
        const auto sn = next();
        if (!sn) {
            continue;
        }
        const auto r0 = steady::now();
        const auto [s, answer] =
            http_call(port, "POST", "/pki/v1/certificates/" + std::to_string(*sn) + "/revoke",
                      R"({"reason":1})", auth());
        out.ms.push_back(ms_since(r0));
        if (s != 200) {
            ++out.errors;
        }
    }
    return out;
}

void print_revocations(const char* what, const revoke_phase_result& r, double rate) {
    std::printf("revocations %s: %zu at %.0f/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms, %llu "
                "errors\n",
                what, r.ms.size(), rate, percentile_revoke(r.ms, 50), percentile_revoke(r.ms, 99),
                r.ms.empty() ? 0 : *std::max_element(r.ms.begin(), r.ms.end()),
                static_cast<unsigned long long>(r.errors));
}

struct crl_build_log {
    unsigned builds = 0;
    long long biggest = 0;
    long long biggest_ms = 0;
    long long total_ms = 0;
};

// The server's own account of its CRL builds ("CRL RSA #n built with N entries in X ms").
crl_build_log read_crl_builds(const std::filesystem::path& server_log) {
    std::ifstream log(server_log);
    const std::regex built(R"(CRL (RSA|ECC) #(\d+) built with (\d+) entries in (\d+) ms)");
    std::string line;
    crl_build_log out;
    while (std::getline(log, line)) {
        std::smatch m;
        if (std::regex_search(line, m, built)) {
            ++out.builds;
            out.total_ms += std::stoll(m[4]);
            if (std::stoll(m[3]) >= out.biggest) {
                out.biggest = std::stoll(m[3]);
                out.biggest_ms = std::stoll(m[4]);
            }
        }
    }
    return out;
}

// A preloaded row: a valid device certificate of `authority` named `cn`, issued a day before
// `now` for a year, with random bytes for its key hash and DER (nothing parses them).
storage::certificate_row preload_row(Botan::RandomNumberGenerator& rng, std::int64_t sn,
                                     const std::string& authority, const std::string& cn,
                                     std::int64_t now) {
    storage::certificate_row row;
    row.sn = sn;
    row.authority = authority;
    row.profile = "device";
    Botan::X509_DN dn;
    dn.add_attribute("X520.CommonName", cn);
    Botan::DER_Encoder(row.subject_der).encode(dn);
    row.subject_cn = cn;
    const auto spki = rng.random_vec(32);
    row.spki_sha256.assign(spki.begin(), spki.end());
    const auto der = rng.random_vec(880);
    row.der.assign(der.begin(), der.end());
    row.not_before = now - 86400;
    row.not_after = now + 86400 * 365;
    return row;
}

} // namespace

void preload_revoked(const std::filesystem::path& db_path, std::int64_t rows) {
    storage::options so;
    so.path = db_path;
    storage::store store(so);
    Botan::AutoSeeded_RNG rng;
    const auto t0 = steady::now();
    const std::int64_t now = ca::real_time()->now_unix();
    std::int64_t first = 0;
    store.writer().run([&](storage::connection& db) {
        first = storage::reserve_serials(db, rows + 2 * k_revoke_alone_rows);
    });
    const std::int64_t batch = 20000;
    for (std::int64_t done = 0; done < rows; done += batch) {
        store.writer().run([&](storage::connection& db) {
            const auto end = std::min(rows, done + batch);
            for (std::int64_t i = done; i < end; ++i) {
                auto row = preload_row(rng, first + i, "RSA", "revoked-" + std::to_string(i), now);
                row.status = storage::certificate_status::revoked;
                row.revoked_at = now - 3600;
                row.revocation_reason = i % 3 ? 1 : 4;
                storage::insert_certificate(db, row);
            }
            storage::count_revocations(db, "RSA", end - done);
        });
    }
    // Live rows for the phases without issuance load, like the revoked ones but valid.
    store.writer().run([&](storage::connection& db) {
        for (std::int64_t i = 0; i < 2 * k_revoke_alone_rows; ++i) {
            const bool rsa = i < k_revoke_alone_rows;
            const auto row = preload_row(rng, first + rows + i, rsa ? "RSA" : "ECC",
                                         "revoke-alone-" + std::to_string(i), now);
            storage::insert_certificate(db, row);
            (rsa ? g_revoke_alone_rsa : g_revoke_alone_ecc).push_back(row.sn);
        }
    });
    std::printf("preloaded %lld revoked RSA certificate rows in %.1f s\n",
                static_cast<long long>(rows),
                std::chrono::duration<double>(steady::now() - t0).count());
}

int run_revoke_mode(localca_target& t, const options& o, const std::vector<csr_item>& csrs) {
    int status = 0;
    const auto port = t.port();
    const std::string crl_path = "/enos/CA/crl/" + o.authority;

    // 1. The first fetch finds the CRL stale (the preloaded revocations) and builds it.
    auto t0 = steady::now();
    auto [crl_status, crl] = http_call(port, "GET", crl_path, "");
    std::printf("CRL fetch that builds it (%lld preloaded revoked): %.0f ms, %zu bytes (HTTP %d)\n",
                static_cast<long long>(o.preload_revoked), ms_since(t0), crl.size(), crl_status);
    t0 = steady::now();
    crl = http_call(port, "GET", crl_path, "").second;
    std::printf("CRL fetch from the cache: %.1f ms\n", ms_since(t0));

    // 2. Without issuance load, half of --duration each (separates the causes): revocations of
    // ECC rows (the ECC CRL stays small, so its background rebuilds cost little), then of RSA
    // rows (each background rebuild re-signs the --preload-revoked CRL), and the server's CPU.
    const auto log_path = t.dir() / "server.log";
    const double rate = o.revocations_per_second;
    std::uint64_t alone_errors = 0;
    for (const bool rsa : {false, true}) {
        auto& serials = rsa ? g_revoke_alone_rsa : g_revoke_alone_ecc;
        std::size_t next = 0;
        const auto builds0 = read_crl_builds(log_path);
        const double cpu0 = process_cpu_ms(t.server_pid());
        const auto r =
            revoke_at_rate(port, rate, o.duration / 2, [&]() -> std::optional<std::int64_t> {
                if (next >= serials.size()) {
                    return std::nullopt;
                }
                return serials[next++];
            });
        const double cpu = process_cpu_ms(t.server_pid()) - cpu0;
        const auto builds = read_crl_builds(log_path);
        print_revocations(rsa ? "alone, RSA (large CRL)" : "alone, ECC (small CRL)", r, rate);
        std::printf("  server CPU %.2f ms per revocation; CRL builds meanwhile: %u (%lld ms)\n",
                    r.ms.empty() ? 0 : cpu / r.ms.size(), builds.builds - builds0.builds,
                    builds.total_ms - builds0.total_ms);
        alone_errors += r.errors;
    }

    // 3. The certificates revoked are the load's own, as it answers them (a second issuance path
    // would collide with the load's unique-subject checks): revocations at the rate while the
    // issuance load runs at --connections.
    // The same issuance load without revocations first: the figure "unchanged" compares with,
    // on the same machine in the same run.
    const auto alone = run_load(t, csrs.size(), o.connections, o.duration);
    std::printf("issuance alone: %.0f certificates/s, p50 %.1f ms, p99 %.1f ms, %llu errors\n",
                alone.per_second(), alone.percentile(50), alone.percentile(99),
                static_cast<unsigned long long>(alone.errors));
    round_result load;
    const auto builds_before_load = read_crl_builds(log_path);
    std::thread loader([&] { load = run_load(t, csrs.size(), o.connections, o.duration); });
    const auto under_load = revoke_at_rate(port, rate, o.duration, [&] { return t.take_issued(); });
    loader.join();
    const auto builds_under_load = read_crl_builds(log_path);
    print_round(load, std::max(1u, std::thread::hardware_concurrency()));
    print_revocations("under load", under_load, rate);
    std::printf("  CRL builds meanwhile: %u (%lld ms)\n",
                builds_under_load.builds - builds_before_load.builds,
                builds_under_load.total_ms - builds_before_load.total_ms);
    const auto revoke_errors = under_load.errors + alone_errors;
    std::printf("issuance under revocations: %.0f certificates/s, p50 %.1f ms, p99 %.1f ms, %llu "
                "errors\n",
                load.per_second(), load.percentile(50), load.percentile(99),
                static_cast<unsigned long long>(load.errors));
    if (revoke_errors || load.errors || alone.errors) {
        status = 1;
    }

    // 4. A fetch right after: includes them all (built on fetch or by the background rebuild).
    t0 = steady::now();
    crl = http_call(port, "GET", crl_path, "").second;
    std::printf("CRL fetch after the revocations: %.0f ms, %zu bytes\n", ms_since(t0), crl.size());

    // 5. Bulk: every live preloaded ECC row (--preload puts half of its rows in ECC).
    if (o.preload > 0) {
        t0 = steady::now();
        const auto [s, answer] =
            http_call(port, "POST", "/pki/v1/revocations",
                      R"({"filter":{"authority":"ECC"},"reason":"cessationOfOperation"})", auth());
        const double seconds = ms_since(t0) / 1000;
        std::printf("bulk revocation {authority: ECC}: HTTP %d %s in %.2f s\n", s, answer.c_str(),
                    seconds);
        if (s != 200) {
            status = 1;
        }
    }

    const auto builds = read_crl_builds(log_path);
    std::printf("server CRL builds: %u; the largest, %lld entries, in %lld ms\n", builds.builds,
                builds.biggest, builds.biggest_ms);
    return status;
}

} // namespace localca::bench
