// The CSRs the client sends, and the in-process Botan limit it compares the server against.
#include "ca/authority.hpp"
#include "ca/csr.hpp"
#include "ca/profile.hpp"
#include "tools/bench/bench.hpp"

#include <botan/auto_rng.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/rsa.h>
#include <botan/x509self.h>

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
    const auto root = ca::authority::create(kind, ao, ca::thread_rng());
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
        spec.not_before = std::chrono::system_clock::now();
        spec.not_after = spec.not_before + std::chrono::hours(24 * 365);
        spec.extensions = ca::profile_extensions(root, sk.value(), "http://127.0.0.1", profile);
        return ca::sign_certificate(root, sk.value(), spec).size();
    };
    for (std::size_t i = 0; i < 20; ++i) {
        one(i);
    }
    const auto t0 = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
        one(i);
    }
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::milli>(t1 - t0).count() / static_cast<double>(n);
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
