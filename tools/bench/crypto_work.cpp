// The CSRs the client sends, and the in-process Botan limit it compares the server against.
#include "ca/authority.hpp"
#include "ca/clock.hpp"
#include "ca/csr.hpp"
#include "ca/profile.hpp"
#include "tools/bench/bench.hpp"

#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/rsa.h>
#include <botan/x509self.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace localca::bench {

std::vector<csr_item> make_csrs(const std::string& authority, unsigned count) {
    Botan::AutoSeeded_RNG rng;
    std::vector<csr_item> out;
    for (unsigned i = 0; i < count; ++i) {
        std::unique_ptr<Botan::Private_Key> key;
        if (authority == "RSA") {
            key = std::make_unique<Botan::RSA_PrivateKey>(rng, 2048);
        } else {
            key = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
        }
        Botan::X509_Cert_Options opts;
        opts.common_name = "bench-" + std::to_string(i);
        opts.organization = "LocalCA bench";
        opts.country = "SE";
        const auto req = Botan::X509::create_cert_req(opts, *key, "SHA-256", rng);
        out.push_back({req.PEM_encode(), opts.common_name});
    }
    return out;
}

double botan_cost_ms(const std::vector<csr_item>& csrs, const std::string& authority) {
    const auto kind = authority == "RSA" ? ca::authority_kind::rsa : ca::authority_kind::ecc;
    ca::authority_options ao{"CN=bench limit", 3650};
    const auto root = ca::authority::create(kind, ao, ca::thread_rng(), ca::real_time()->now());
    const auto profile = ca::device_profile();
    // Warm up (per-thread signer, caches), then time a fixed number of certificates.
    const std::size_t n = std::max<std::size_t>(200, csrs.size());
    std::int64_t serial = 1;
    auto one = [&](std::size_t i) {
        auto sk = ca::check_csr(csrs[i % csrs.size()].pem, kind);
        if (!sk) {
            throw std::runtime_error("limit: CSR refused: " + sk.err().detail);
        }
        ca::certificate_spec spec;
        spec.serial = serial++;
        spec.not_before = ca::real_time()->now();
        spec.not_after = spec.not_before + std::chrono::hours(24 * 365);
        spec.extensions = ca::profile_extensions(root, sk.value(), "http://127.0.0.1", profile);
        return ca::sign_certificate(root, sk.value(), spec).size();
    };
    for (std::size_t i = 0; i < 20; ++i) {
        one(i);
    }
    // The parts, timed apart, so a slow step shows (printed once).
    using clock = std::chrono::steady_clock;
    double parse_ms = 0, ext_ms = 0, sign_ms = 0;
    for (std::size_t i = 0; i < 50; ++i) {
        const auto a = clock::now();
        auto sk = ca::check_csr(csrs[i % csrs.size()].pem, kind);
        const auto b = clock::now();
        ca::certificate_spec spec;
        spec.serial = serial++;
        spec.not_before = ca::real_time()->now();
        spec.not_after = spec.not_before + std::chrono::hours(24 * 365);
        spec.extensions = ca::profile_extensions(root, sk.value(), "http://127.0.0.1", profile);
        const auto c = clock::now();
        ca::sign_certificate(root, sk.value(), spec);
        const auto d = clock::now();
        parse_ms += std::chrono::duration<double, std::milli>(b - a).count() / 50;
        ext_ms += std::chrono::duration<double, std::milli>(c - b).count() / 50;
        sign_ms += std::chrono::duration<double, std::milli>(d - c).count() / 50;
    }
    std::printf("per certificate: CSR parse+verify %.3f ms, extensions %.3f ms, sign %.3f ms\n",
                parse_ms, ext_ms, sign_ms);
    // CPU time of the whole process, not wall time: Botan 2.19 computes one CRT half of every RSA
    // signature on its own thread pool, so a signature takes less wall time than CPU time, and
    // wall time x cores would promise a throughput that two busy cores cannot give. Nothing else
    // of the client runs yet.
    const auto t0 = clock::now();
    const double cpu0 = process_cpu_ms();
    for (std::size_t i = 0; i < n; ++i) {
        one(i);
    }
    const double cpu_ms = (process_cpu_ms() - cpu0) / static_cast<double>(n);
    const double wall_ms = std::chrono::duration<double, std::milli>(clock::now() - t0).count() /
                           static_cast<double>(n);
    std::printf("per certificate, all parts: %.3f ms CPU (%.3f ms wall)\n", cpu_ms, wall_ms);
    return cpu_ms;
}

double process_cpu_ms() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double process_cpu_ms(int pid) {
    // schedstat's first field is the thread's time on a CPU in ns: finer than /proc/PID/stat's
    // clock ticks, and summed over the threads alive now (the servers start theirs up front).
    double ns = 0;
    std::error_code ec;
    for (const auto& task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "schedstat");
        double run_ns = 0;
        if (in >> run_ns) {
            ns += run_ns;
        }
    }
    return ns / 1e6;
}

double peak_rss_mib(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return 0;
}

void must_run(const std::string& cmd) {
    if (std::system(cmd.c_str()) != 0) {
        throw std::runtime_error("command failed: " + cmd);
    }
}

} // namespace localca::bench
