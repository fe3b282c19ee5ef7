#pragma once
// LocalCA under test: a data dir with one org, one app and a device per CSR, `localca serve`
// with EnOS strict auth, and EnOS apply requests signed like a real client signs them.
#include "tools/bench/bench.hpp"
#include "tools/bench/process.hpp"

#include "storage/options.hpp"

#include <map>
#include <optional>
#include <mutex>

namespace localca::bench {

// --preload-revoked: `rows` revoked RSA certificate rows (certificate-sized random blobs), and the
// RSA authority's revocation counter bumped so that the next CRL fetch builds with them.
void preload_revoked(const std::filesystem::path& db, std::int64_t rows);

// --mode revoke (revoke_mode.cpp): returns 0 when every answer was right.
int run_revoke_mode(class localca_target& t, const options& o, const std::vector<csr_item>& csrs);

class localca_target final : public target {
public:
    localca_target(const options& opts, const std::vector<csr_item>& csrs);
    ~localca_target() override;

    std::string name() const override { return "localca"; }
    std::uint16_t port() const override { return m_port; }
    request make_request(std::size_t i) override;
    std::string check(std::size_t i, const http_result& r) override;

    int server_pid() const override { return m_server ? m_server->pid() : -1; }
    double startup_seconds() const { return m_startup_seconds; }
    const std::filesystem::path& dir() const { return m_dir; }
    // A certificate answered by the load and not handed out before (for --mode revoke), if any.
    std::optional<std::int64_t> take_issued();
    static constexpr const char* pki_token = "bench-pki-token"; // /pki/v1 (--mode revoke)
    // Stops the server, then checks that every certificate answered is in the database with the
    // same DER and that no certSN was answered twice. Returns problems found (empty: all good).
    std::vector<std::string> stop_and_verify();

private:
    void preload(std::int64_t rows);
    // The store of the server's database (SQLite in the work dir, or the PostgreSQL database).
    storage::options storage_opts() const;

    const options& m_opts;
    const std::vector<csr_item>& m_csrs;
    std::filesystem::path m_dir;
    std::uint16_t m_port = 0;
    std::unique_ptr<child> m_server;
    std::string m_token;
    std::string m_ca_pem;
    double m_startup_seconds = 0;
    std::mutex m_mutex;
    std::map<std::int64_t, std::string> m_issued; // certSN -> PEM as answered
    std::vector<std::string> m_duplicates;
    std::uint64_t m_checked = 0;
    std::int64_t m_taken = 0; // take_issued() hands out serials above this one
    std::unique_ptr<class scratch_database> m_database; // --storage: this target's database
};

} // namespace localca::bench
