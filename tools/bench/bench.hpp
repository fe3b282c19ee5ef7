#pragma once
// localca-bench: the load client of LocalCA's performance work (docs/performance.md).
// It makes its own data dir, seed and CSRs, starts `localca serve` (and `cfssl serve` for the
// side-by-side comparison), drives issuance over keep-alive HTTP connections, checks every
// answer, and prints certificates/s, latency percentiles, errors, the server's peak RSS and the
// in-process Botan limit of this machine.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace localca::bench {

struct options {
    std::string mode = "localca";  // localca | cfssl | compare | limit | revoke
    std::string authority = "RSA"; // RSA | ECC
    unsigned connections = 16;
    double duration = 10;     // seconds per round
    unsigned rounds = 0;      // rounds per target; 0: 3 in compare mode, else 1
    unsigned csrs = 256;      // distinct CSRs (and devices) made beforehand
    std::int64_t preload = 0; // certificate rows put in the database before the run
    // --mode revoke: revoked RSA rows put in the database before the run (the CRL's size).
    std::int64_t preload_revoked = 0;
    double revocations_per_second = 100; // --mode revoke: the revocation rate under load
    bool group_commit = true;
    std::string auth = "strict"; // EnOS auth mode of the server under test
    // A JSON object merged (key by key, objects recursively) into the server's config.json, for
    // side-by-side runs of one setting, e.g. {"storage":{"mmapBytes":0}}.
    std::string server_config;
    // --storage URL: the server runs on PostgreSQL. URL names a server and a user allowed to
    // create databases; each target gets a database of its own on it (created fresh, dropped
    // after), so a run never touches existing data. Empty: SQLite in the work dir.
    std::string storage_url;
    std::filesystem::path localca_bin;
    std::string cfssl_bin = "cfssl";
    std::filesystem::path work_dir; // default: a fresh temp dir, removed at exit
    bool keep = false;              // keep work_dir
};

struct csr_item {
    std::string pem;
    std::string cn;
};

// Distinct keys and CSRs (CN bench-<i>), made with Botan before any timing.
std::vector<csr_item> make_csrs(const std::string& authority, unsigned count);

// One request/response exchange on a keep-alive connection; returns the HTTP status and body.
struct http_result {
    int status = 0;
    std::string body;
};

// A target the load loop drives: builds the request for CSR i and judges the answer.
class target {
public:
    virtual ~target() = default;
    virtual std::string name() const = 0;
    virtual std::uint16_t port() const = 0;
    // Method, target (path+query), headers and body of the request for csr index i.
    struct request {
        std::string target;
        std::vector<std::pair<std::string, std::string>> headers;
        std::string body;
    };
    virtual request make_request(std::size_t i) = 0;
    // Returns an empty string when the answer is right (and records what it issued), else why.
    virtual std::string check(std::size_t i, const http_result& r) = 0;
    // The server process under test (for its CPU time), -1 if none.
    virtual int server_pid() const = 0;
};

struct round_result {
    std::string target;
    std::uint64_t ok = 0;
    std::uint64_t errors = 0;
    std::string first_error;
    double seconds = 0;
    std::vector<double> latencies_ms;
    // CPU time used during the round by the server (all its threads) and by this client.
    double server_cpu_ms = 0;
    double client_cpu_ms = 0;
    double per_second() const { return seconds > 0 ? ok / seconds : 0; }
    double server_ms_per_cert() const { return ok ? server_cpu_ms / ok : 0; }
    double client_ms_per_cert() const { return ok ? client_cpu_ms / ok : 0; }
    double percentile(double p) const;
};

// Drives `connections` keep-alive connections for `duration` seconds.
round_result run_load(target& t, std::size_t items, unsigned connections, double duration);

// Prints the round's throughput and latencies, and where the machine's CPU went.
void print_round(const round_result& r, unsigned cores);

// Per-certificate in-process cost of CSR parse + verify + sign: CPU ms of the whole process
// (Botan's own RSA threads included), one certificate at a time.
double botan_cost_ms(const std::vector<csr_item>& csrs, const std::string& authority);

// CPU time of this process (all threads) in ms.
double process_cpu_ms();

// CPU time of another process (all its threads, from /proc/PID/task/*/schedstat) in ms; 0 if
// unknown.
double process_cpu_ms(int pid);

// Peak resident set of a process in MiB (VmHWM), 0 if unknown.
double peak_rss_mib(int pid);

// Runs a command line, throws on a non-zero exit.
void must_run(const std::string& cmd);

} // namespace localca::bench
