#include "server/admin/metrics_routes.hpp"

#include "server/admin/auth.hpp"
#include "server/admin/codec.hpp"
#include "storage/admin/stats.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

namespace localca::server::admin {

namespace sa = storage::admin;
using kind = exposition::kind;

namespace {

// "VmRSS:     1234 kB" -> 1234 * 1024; "Threads:  9" -> 9. Nullopt when /proc has no such line.
std::optional<double> proc_status_field(const std::string& status, const std::string& key,
                                        double unit) {
    const auto at = status.find("\n" + key + ":");
    if (at == std::string::npos) {
        return std::nullopt;
    }
    std::istringstream in(status.substr(at + key.size() + 2));
    double v = 0;
    if (!(in >> v)) {
        return std::nullopt;
    }
    return v * unit;
}

void render_process(exposition& out) {
    std::ifstream f("/proc/self/status");
    std::stringstream ss;
    ss << "\n" << f.rdbuf();
    const auto status = ss.str();
    if (const auto rss = proc_status_field(status, "VmRSS", 1024)) {
        out.family("process_resident_memory_bytes", kind::gauge, "Resident memory size in bytes.");
        out.sample({}, *rss);
    }
    std::error_code ec;
    std::size_t fds = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
         it.increment(ec)) {
        ++fds;
    }
    if (!ec) {
        out.family("process_open_fds", kind::gauge, "Number of open file descriptors.");
        out.sample({}, static_cast<double>(fds));
    }
    if (const auto threads = proc_status_field(status, "Threads", 1)) {
        out.family("process_threads", kind::gauge, "Number of OS threads in the process.");
        out.sample({}, *threads);
    }
}

} // namespace

metrics_routes::metrics_routes(ca::engine& engine, const router& routes, metrics_options opts)
    : m_engine(engine), m_routes(routes), m_options(std::move(opts)) {}

response metrics_routes::internal_error(const request_context& ctx) const {
    return error_json(ctx.req, http::status::internal_server_error, "internal error");
}

void metrics_routes::add_key_pool(std::string api, std::function<std::size_t()> ready) {
    m_key_pools.emplace_back(std::move(api), std::move(ready));
}

void metrics_routes::add_routes(router& r) {
    r.add(http::verb::get, "/metrics",
          [this](std::shared_ptr<request_context> ctx, responder done) {
              if (!m_options.public_access &&
                  !authorize(*ctx, role::viewer, m_engine.store(), m_engine.clock(), done)) {
                  return;
              }
              done(make_response(ctx->req, http::status::ok, render(), k_exposition_content_type));
          });
}

std::string metrics_routes::render() {
    exposition out;
    out.family("localca_build_info", kind::gauge, "Always 1; the version of this LocalCA.");
    out.sample({{"version", m_options.version}}, 1);
    render_requests(out);
    render_issuance(out);
    render_writer(out);
    if (!m_key_pools.empty()) {
        out.family("localca_key_pool_keys", kind::gauge,
                   "Pre-generated keys ready in an API's key pool.");
        for (const auto& [api, ready] : m_key_pools) {
            out.sample({{"api", api}}, static_cast<double>(ready()));
        }
    }
    render_database(out);
    render_process(out);
    return out.text();
}

void metrics_routes::render_requests(exposition& out) const {
    const auto& m = m_routes.metrics();
    out.family("localca_http_requests_total", kind::counter,
               "HTTP requests answered, by API, route template and status code.");
    for (const auto* r : m.routes()) {
        for (const auto& [code, n] : r->codes()) {
            out.sample({{"api", r->api()}, {"route", r->route()}, {"code", std::to_string(code)}},
                       static_cast<double>(n));
        }
    }
    out.family("localca_http_request_duration_seconds", kind::histogram,
               "Time from a request's last byte read to its response's last byte written.");
    for (const auto& [api, h] : m.latencies()) {
        out.histogram({{"api", api}}, h->snapshot());
    }
}

void metrics_routes::render_issuance(exposition& out) const {
    const auto counts = m_engine.issuance().snapshot();
    // issued_total counts renewals too (they are issuances): sum both rows of a label set.
    std::map<std::tuple<std::string, ca::authority_kind, ca::issue_outcome>, std::uint64_t> all;
    for (const auto& c : counts) {
        all[{c.api, c.authority, c.outcome}] += c.count;
    }
    out.family("localca_certificates_issued_total", kind::counter,
               "Certificate issuances since start (renewals included), by API, authority and "
               "outcome: success, refused (a policy or request error) or error (internal).");
    for (const auto& [k, n] : all) {
        out.sample({{"api", std::get<0>(k)},
                    {"authority", ca::to_string(std::get<1>(k))},
                    {"outcome", ca::to_string(std::get<2>(k))}},
                   static_cast<double>(n));
    }
    out.family("localca_certificates_renewed_total", kind::counter,
               "Certificate renewals since start, by API, authority and outcome.");
    for (const auto& c : counts) {
        if (c.renewal) {
            out.sample({{"api", c.api},
                        {"authority", ca::to_string(c.authority)},
                        {"outcome", ca::to_string(c.outcome)}},
                       static_cast<double>(c.count));
        }
    }
}

void metrics_routes::render_writer(exposition& out) const {
    const auto& w = m_engine.store().writer().stats();
    out.family("localca_writer_queue_depth", kind::gauge,
               "Write jobs waiting for the single writer.");
    out.sample({}, static_cast<double>(w.queue_depth.load(std::memory_order_relaxed)));
    out.family("localca_writer_batch_size", kind::histogram,
               "Write jobs per transaction (group commit).");
    out.histogram({}, w.batch_size.snapshot());
    out.family("localca_writer_commit_duration_seconds", kind::histogram,
               "Duration of the writer's COMMIT (the fsync of a group), in seconds.");
    out.histogram({}, w.commit_seconds.snapshot());
}

metrics_routes::database_figures metrics_routes::figures() {
    std::lock_guard lock(m_cache_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (m_cache && now - m_cached_at < m_options.cache_for) {
        return *m_cache;
    }
    auto& db = m_engine.store().reader();
    database_figures f;
    const auto stats = sa::certificate_statistics(db, m_engine.clock().now_unix());
    std::map<std::string, std::int64_t> by_status{{"valid", 0}, {"revoked", 0}, {"expired", 0}};
    std::map<std::pair<std::string, std::string>, std::int64_t> revoked;
    for (const auto& c : stats.counts) {
        by_status[c.status] += c.count;
        if (c.status == "revoked") {
            revoked[{c.api, c.authority}] += c.count;
        }
    }
    f.by_status.assign(by_status.begin(), by_status.end());
    f.revoked.assign(revoked.begin(), revoked.end());
    for (const auto& a : sa::authority_crls(db)) {
        f.crl_this_update.emplace_back(a.name, a.crl_this_update);
    }
    f.audit_entries = sa::audit_entry_count(db);
    m_cache = f;
    m_cached_at = now;
    return f;
}

void metrics_routes::render_database(exposition& out) {
    const auto f = figures();
    out.family("localca_certificates", kind::gauge,
               "Certificates in the store by status: valid, revoked or expired.");
    for (const auto& [status, n] : f.by_status) {
        out.sample({{"status", status}}, static_cast<double>(n));
    }
    out.family("localca_certificates_revoked_total", kind::counter,
               "Revoked certificates in the store (any path: APIs, CLI, bulk), by the API that "
               "issued them and authority.");
    for (const auto& [key, n] : f.revoked) {
        out.sample({{"api", key.first}, {"authority", key.second}}, static_cast<double>(n));
    }
    out.family("localca_authority_not_after_seconds", kind::gauge,
               "Each authority's root certificate notAfter, in unix seconds.");
    for (const auto k : {ca::authority_kind::rsa, ca::authority_kind::ecc}) {
        const auto not_after = m_engine.get(k).cert().not_after().to_std_timepoint();
        out.sample({{"authority", ca::to_string(k)}},
                   static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                           not_after.time_since_epoch())
                                           .count()));
    }
    out.family("localca_crl_age_seconds", kind::gauge,
               "Seconds since thisUpdate of each authority's latest stored CRL (CA clock).");
    const auto now = m_engine.clock().now_unix();
    for (const auto& [authority, this_update] : f.crl_this_update) {
        if (this_update) {
            out.sample({{"authority", authority}}, static_cast<double>(now - *this_update));
        }
    }
    out.family("localca_audit_entries", kind::gauge, "Entries in the audit log.");
    out.sample({}, static_cast<double>(f.audit_entries));
}

} // namespace localca::server::admin
