#include "tools/bench/localca_target.hpp"

#include "tools/bench/scratch_database.hpp"

#include "ca/clock.hpp"
#include "ca/fingerprint.hpp"
#include "storage/certificate_repository.hpp"
#include "storage/connection.hpp"
#include "storage/serial_sequence.hpp"
#include "storage/store.hpp"

#include <botan/auto_rng.h>
#include <botan/bigint.h>
#include <botan/data_src.h>
#include <botan/der_enc.h>
#include <botan/pk_keys.h>
#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <boost/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace localca::bench {

namespace json = boost::json;

namespace {

constexpr const char* k_org = "o-bench";
constexpr const char* k_app_key = "ak-bench";
constexpr const char* k_app_secret = "sk-bench-secret";

// Merges `from` into `into`: objects key by key, recursively; anything else replaces.
void merge_into(json::object& into, const json::object& from) {
    for (const auto& [key, value] : from) {
        auto* mine = into.if_contains(key);
        if (mine && mine->is_object() && value.is_object()) {
            merge_into(mine->as_object(), value.as_object());
        } else {
            into[key] = value;
        }
    }
}

// The client signs with the real time: the server it measures runs on the real clock.
std::int64_t now_ms() {
    return ca::real_time()->now_ms();
}

void write_file(const std::filesystem::path& p, const std::string& text) {
    std::ofstream(p) << text;
}

} // namespace

localca_target::localca_target(const options& opts, const std::vector<csr_item>& csrs)
    : m_opts(opts), m_csrs(csrs), m_dir(opts.work_dir / "localca") {
    std::filesystem::create_directories(m_dir);
    m_port = free_port();
    const auto bin = opts.localca_bin.string();
    const auto data = (m_dir / "data").string();

    json::array devices;
    for (std::size_t i = 0; i < csrs.size(); ++i) {
        devices.push_back(json::object{{"deviceKey", "dev-" + std::to_string(i)},
                                       {"assetId", "asset-" + std::to_string(i)}});
    }
    json::object product{{"productKey", "pk-bench"},
                         {"biDirectionalAuth", true},
                         {"maxValidDay", 3650},
                         {"devices", devices}};
    json::object app{{"appKey", k_app_key}, {"appSecret", k_app_secret}};
    json::object org{
        {"orgId", k_org}, {"apps", json::array{app}}, {"products", json::array{product}}};
    json::object seed{{"enos", json::object{{"orgs", json::array{org}}}}};
    write_file(m_dir / "seed.json", json::serialize(seed));
    json::object config{{"logLevel", "warn"},
                        {"enos", json::object{{"auth", opts.auth}}},
                        {"storage", json::object{{"groupCommit", opts.group_commit}}},
                        {"pki", json::object{{"token", pki_token}}}};
    if (!opts.server_config.empty()) {
        const auto extra = json::parse(opts.server_config);
        if (!extra.is_object()) {
            throw std::invalid_argument("--server-config must be a JSON object");
        }
        merge_into(config, extra.as_object());
    }
    if (!opts.storage_url.empty()) {
        m_database = std::make_unique<scratch_database>(opts.storage_url);
        merge_into(config, json::object{
                               {"storage", json::object{{"backend", "postgres"},
                                                        {"postgres", json::object{
                                                                         {"url", m_database->url()},
                                                                     }}}}});
        // PostgreSQL shares the CA keys through the database: the passphrase must come from
        // the environment (tools/localca/shared_keys.hpp). A fixed one is fine for a benchmark.
        ::setenv("LOCALCA_CA_PASSPHRASE", "localca-bench", 0);
    }
    write_file(m_dir / "config.json", json::serialize(config));
    const auto config_arg = " --config " + (m_dir / "config.json").string();

    must_run(bin + " init --data-dir " + data + config_arg + " > /dev/null");
    if (opts.preload > 0) {
        preload(opts.preload);
    }
    if (opts.preload_revoked > 0) {
        preload_revoked(m_dir / "data" / "localca.db", opts.preload_revoked);
    }
    must_run(bin + " seed " + (m_dir / "seed.json").string() + " --data-dir " + data + config_arg +
             " > /dev/null");

    const auto t0 = std::chrono::steady_clock::now();
    m_server = std::make_unique<child>(
        std::vector<std::string>{bin, "serve", "--data-dir", data, "--config",
                                 (m_dir / "config.json").string(), "--listen",
                                 "127.0.0.1:" + std::to_string(m_port)},
        m_dir / "server.log");
    wait_until_listening(m_port, "/healthz", 30);
    m_startup_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    m_ca_pem = http_call(m_port, "GET", "/enos/CA/cacert/" + opts.authority, "").second;
    const auto ts = std::to_string(now_ms());
    json::object token_req{{"appKey", k_app_key},
                           {"encryption", localca::ca::sha256_hex(k_app_key + ts + k_app_secret)},
                           {"timestamp", ts}};
    const auto [status, body] =
        http_call(m_port, "POST", "/apim-token-service/v2.0/token/get", json::serialize(token_req));
    const auto answer = json::parse(body).as_object();
    if (status != 200 || answer.at("status").as_int64() != 0) {
        throw std::runtime_error("token/get failed: " + body);
    }
    m_token = std::string(answer.at("data").at("accessToken").as_string());
}

localca_target::~localca_target() {
    m_server.reset(); // before its database goes
}

storage::options localca_target::storage_opts() const {
    storage::options so;
    so.path = m_dir / "data" / "localca.db";
    if (m_database) {
        so.backend = storage::backend::postgres;
        so.postgres.url = m_database->url();
    }
    return so;
}

void localca_target::preload(std::int64_t rows) {
    storage::store store(storage_opts());
    Botan::AutoSeeded_RNG rng;
    const auto t0 = std::chrono::steady_clock::now();
    const std::int64_t now = now_ms() / 1000;
    std::int64_t first = 0;
    store.writer().run(
        [&](storage::connection& db) { first = storage::reserve_serials(db, rows); });
    const std::int64_t batch = 20000;
    for (std::int64_t done = 0; done < rows; done += batch) {
        store.writer().run([&](storage::connection& db) {
            for (std::int64_t i = done; i < std::min(rows, done + batch); ++i) {
                storage::certificate_row row;
                row.sn = first + i;
                row.authority = i % 2 ? "ECC" : "RSA";
                row.profile = "device";
                // The operator API's inventory filters by issuing API: a realistic mix, with
                // one rare tag (the TLS certificate's).
                static const char* const apis[] = {"enos", "enos", "foundry", "emca", "pki"};
                row.api = i % 100000 == 7 ? "server" : apis[i % 5];
                const auto cn = "preload-" + std::to_string(i);
                Botan::X509_DN dn;
                dn.add_attribute("X520.CommonName", cn);
                dn.add_attribute("X520.Organization", "LocalCA preload");
                Botan::DER_Encoder(row.subject_der).encode(dn);
                row.subject_cn = cn;
                const auto spki = rng.random_vec(32);
                row.spki_sha256.assign(spki.begin(), spki.end());
                // A certificate-sized blob: the load only needs realistic row sizes and index
                // shapes, not 1M signatures.
                const auto der = rng.random_vec(i % 2 ? 520 : 880);
                row.der.assign(der.begin(), der.end());
                row.not_before = now - 86400 * (i % 700);
                row.not_after = row.not_before + 86400 * (i % 5 == 0 ? 30 : 730); // some expired
                if (i % 10 == 0) {
                    row.status = storage::certificate_status::revoked;
                    row.revoked_at = now - 3600;
                    row.revocation_reason = 4;
                }
                storage::insert_certificate(db, row);
            }
        });
    }
    std::printf("preloaded %lld certificate rows in %.1f s\n", static_cast<long long>(rows),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    if (!m_opts.storage_url.empty()) {
        // A database that grew to this size over months has been vacuumed; one loaded a second
        // ago has not: its first readers set every row's hint bits and write the pages out again
        // (the operator API's first pages ran 5-10x slower), and the planner has no statistics.
        const auto v0 = std::chrono::steady_clock::now();
        const auto db = storage::open_connection(storage_opts());
        db->exec_script("SET statement_timeout = 0"); // VACUUM may not share its statement
        db->exec_script("VACUUM (ANALYZE)");
        // Nor are its pages waiting in the server's memory to be written: without a checkpoint
        // here, the first measured rounds write out the preload's gigabyte of dirty buffers
        // (and, at the default max_wal_size, a checkpoint the preload's WAL triggered falls into
        // them). Needs superuser or pg_checkpoint; without, the rounds run as they are.
        std::string checkpoint = "CHECKPOINT";
        try {
            db->exec_script(checkpoint);
        } catch (const std::exception& e) {
            checkpoint = std::string("no CHECKPOINT (") + e.what() + ")";
        }
        std::printf("VACUUM (ANALYZE), %s in %.1f s\n", checkpoint.c_str(),
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - v0).count());
    }
}

target::request localca_target::make_request(std::size_t i) {
    const auto asset = "asset-" + std::to_string(i);
    json::object body{
        {"csr", m_csrs[i].pem}, {"validDay", 365}, {"issueAuthority", m_opts.authority}};
    request r;
    r.body = json::serialize(body);
    r.target =
        "/connect-service/v2.0/certificates?action=apply&assetId=" + asset + "&orgId=" + k_org;
    const auto ts = std::to_string(now_ms());
    // accessToken + sorted(key + value) + body + timestamp + appSecret (EnOS gateway scheme).
    const auto content = m_token + "action" + "apply" + "assetId" + asset + "orgId" + k_org +
                         r.body + ts + k_app_secret;
    r.headers = {{"Content-Type", "application/json;charset=UTF-8"},
                 {"apim-accesstoken", m_token},
                 {"apim-timestamp", ts},
                 {"apim-signature", localca::ca::sha256_hex(content)}};
    return r;
}

std::string localca_target::check(std::size_t i, const http_result& r) {
    if (r.status != 200) {
        return "HTTP " + std::to_string(r.status) + ": " + r.body;
    }
    boost::system::error_code ec;
    const auto v = json::parse(r.body, ec);
    if (ec || !v.is_object() || !v.as_object().contains("code")) {
        return "not an EnOS envelope: " + r.body;
    }
    const auto& o = v.as_object();
    if (o.at("code").as_int64() != 0) {
        return std::string(o.at("msg").as_string());
    }
    const auto& data = o.at("data").as_object();
    const auto sn = std::stoll(std::string(data.at("certSN").as_string()));
    const std::string pem(data.at("cert").as_string());
    std::uint64_t n;
    {
        std::lock_guard lock(m_mutex);
        auto [it, inserted] = m_issued.emplace(sn, pem);
        if (!inserted) {
            m_duplicates.push_back("certSN " + std::to_string(sn) + " answered twice");
        }
        n = m_checked++;
    }
    if (n % 64 == 0) { // a sample: full chain check against the CA
        Botan::DataSource_Memory ca_src(m_ca_pem);
        Botan::X509_Certificate ca(ca_src);
        Botan::DataSource_Memory src(pem);
        Botan::X509_Certificate cert(src);
        const std::unique_ptr<Botan::Public_Key> key(ca.subject_public_key());
        if (!cert.check_signature(*key) ||
            Botan::BigInt::decode(cert.serial_number()) !=
                Botan::BigInt(static_cast<std::uint64_t>(sn)) ||
            cert.subject_dn().get_first_attribute("CN") != m_csrs[i].cn) {
            return "certificate " + std::to_string(sn) + " does not verify against the CA";
        }
    }
    return {};
}

std::optional<std::int64_t> localca_target::take_issued() {
    std::lock_guard lock(m_mutex);
    const auto it = m_issued.upper_bound(m_taken);
    if (it == m_issued.end()) {
        return std::nullopt;
    }
    m_taken = it->first;
    return it->first;
}

std::vector<std::string> localca_target::stop_and_verify() {
    std::vector<std::string> problems = m_duplicates;
    if (m_server) {
        m_server->stop();
        m_server.reset();
    }
    storage::store store(storage_opts());
    auto& db = store.reader();
    for (const auto& [sn, pem] : m_issued) {
        const auto row = storage::find_certificate(db, sn);
        Botan::DataSource_Memory src(pem);
        const auto der = Botan::X509_Certificate(src).BER_encode();
        if (!row) {
            problems.push_back("certSN " + std::to_string(sn) +
                               " answered but not in the database");
        } else if (row->der != der) {
            problems.push_back("certSN " + std::to_string(sn) + " stored with another DER");
        }
        if (problems.size() > 20) {
            break;
        }
    }
    std::printf("verified %zu answered certificates against the database: %s\n", m_issued.size(),
                problems.empty() ? "all present, no duplicates" : "PROBLEMS");
    return problems;
}

} // namespace localca::bench
