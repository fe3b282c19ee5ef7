#include "tools/bench/admin_bench.hpp"

#include "tools/bench/localca_target.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>

namespace localca::bench {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

// One GET with the admin token on a kept-alive connection; returns status and body.
struct admin_client {
    asio::io_context io;
    beast::tcp_stream stream{io};
    beast::flat_buffer buffer;
    std::string token;

    admin_client(std::uint16_t port, std::string t) : token(std::move(t)) {
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    }
    std::pair<int, std::string> get(const std::string& target) {
        stream.expires_after(std::chrono::seconds(600));
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::authorization, "Bearer " + token);
        http::write(stream, req);
        http::response_parser<http::string_body> parser;
        parser.body_limit(boost::none);
        http::read(stream, buffer, parser);
        return {parser.get().result_int(), std::move(parser.get().body())};
    }

    // A streamed GET (an export): the body goes through a 64 KiB buffer and is never held, so
    // the client's cost per row is a newline count, not a copy and a parse. Every line whose
    // index is a multiple of `sample_every` (and the first two) is handed to `sample`.
    struct stream_result {
        int status = 0;
        std::int64_t lines = 0, bytes = 0;
    };
    stream_result
    get_streamed(const std::string& target, std::int64_t sample_every,
                 const std::function<void(std::int64_t, const std::string&)>& sample) {
        stream.expires_after(std::chrono::seconds(600));
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::authorization, "Bearer " + token);
        http::write(stream, req);
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(boost::none);
        http::read_header(stream, buffer, parser);
        stream_result r;
        r.status = parser.get().result_int();
        std::string line; // the line being sampled, else empty
        bool sampling = true;
        std::vector<char> chunk(64 * 1024);
        while (!parser.is_done()) {
            parser.get().body().data = chunk.data();
            parser.get().body().size = chunk.size();
            beast::error_code ec;
            http::read(stream, buffer, parser, ec);
            if (ec && ec != http::error::need_buffer) {
                throw beast::system_error(ec);
            }
            const auto n = chunk.size() - parser.get().body().size;
            r.bytes += static_cast<std::int64_t>(n);
            const char* p = chunk.data();
            const char* const end = p + n;
            while (p < end) {
                const auto* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
                if (sampling) {
                    line.append(p, nl ? nl : end);
                }
                if (!nl) {
                    break;
                }
                if (sampling) {
                    sample(r.lines, line);
                    line.clear();
                }
                ++r.lines;
                sampling = r.lines < 2 || r.lines % sample_every == 0;
                p = nl + 1;
            }
        }
        return r;
    }
};

// dir: the target's directory (data/ and config.json). The config names the backend: with
// --storage the token must reach the PostgreSQL database, not a data dir without one.
std::string create_token(const options& o, const std::filesystem::path& dir) {
    const auto cmd = o.localca_bin.string() + " admin token create --name bench --role viewer " +
                     "--data-dir " + (dir / "data").string() + " --config " +
                     (dir / "config.json").string();
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) {
        throw std::runtime_error("cannot run " + cmd);
    }
    char buf[256] = {};
    const bool ok = std::fgets(buf, sizeof buf, p) != nullptr;
    ::pclose(p);
    std::string token = ok ? buf : "";
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) {
        token.pop_back();
    }
    if (token.empty()) {
        throw std::runtime_error("admin token create printed nothing");
    }
    return token;
}

// Empty when every sampled export line looks right, else the first problem.
std::string export_sample_problems(const std::string& format,
                                   const std::vector<std::pair<std::int64_t, std::string>>& lines) {
    std::size_t fields = 0;
    for (const auto& [i, line] : lines) {
        if (format == "ndjson") {
            boost::system::error_code ec;
            const auto v = boost::json::parse(line, ec);
            if (ec || !v.is_object() || !v.as_object().contains("certSN")) {
                return "line " + std::to_string(i) + " is not an item: " + line.substr(0, 200);
            }
        } else {
            std::size_t n = 1;
            bool quoted = false; // RFC 4180: commas inside "..." do not separate; "" is a quote
            for (const char ch : line) {
                if (ch == '"') {
                    quoted = !quoted;
                } else if (ch == ',' && !quoted) {
                    ++n;
                }
            }
            if (i == 0) {
                fields = n;
            } else if (n != fields) {
                return "line " + std::to_string(i) + " has " + std::to_string(n) +
                       " fields, the header " + std::to_string(fields);
            }
        }
    }
    return {};
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    if (v.empty()) {
        return 0;
    }
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

} // namespace

int run_admin(const options& o, const std::vector<csr_item>& csrs) {
    localca_target target(o, csrs);
    const auto token = create_token(o, o.work_dir / "localca");
    admin_client c(target.port(), token);
    int status = 0;
    if (o.mode == "inventory" || o.mode == "admin") {
        const char* queries[] = {
            "",
            "sort=-issued",
            "sort=notAfter",
            "sort=-notAfter",
            "authority=ECC",
            "status=valid",
            "status=revoked",
            "status=expired",
            "api=enos",
            "api=server",
            "org=org-bench",
            "product=pk-bench",
            "device=dev-1",
            "account=nobody",
            "user=nobody",
            "profile=device",
            "cn=preload-12345",
            "serial=777",
            "expiresBefore=2027-01-01T00:00:00Z",
            "expiresAfter=2027-06-01T00:00:00Z",
            "issuedAfter=2026-06-01T00:00:00Z",
            "issuedBefore=2025-06-01T00:00:00Z",
            "authority=RSA&status=valid&sort=-notAfter",
            "api=emca&status=revoked",
            // One api in notAfter order (schemas/016): emca's notAfter values all lie after the
            // 30-day enos rows', so its first page skips 200,000 index entries.
            "api=enos&sort=notAfter",
            "api=emca&sort=notAfter",
            "api=pki&sort=-notAfter",
            "api=server&sort=notAfter",
        };
        // 100 calls, so that p99 is not simply the slowest one (with 30 it was: the first, cold
        // call of each filter, reading its index pages into the database's cache). max shows it.
        const int reps = 100;
        std::printf("%-45s %9s %9s %9s %6s\n", "filter (limit=100)", "p50 ms", "p99 ms", "max ms",
                    "rows");
        for (const auto* q : queries) {
            std::vector<double> ms;
            std::size_t rows = 0;
            std::string cursor;
            for (int i = 0; i < reps; ++i) {
                // Odd repetitions fetch the second page, through the cursor of the first.
                std::string target_path = std::string("/admin/v1/certificates?limit=100&") + q;
                if (i % 2 && !cursor.empty()) {
                    target_path += "&cursor=" + cursor;
                }
                const auto t0 = clock_type::now();
                const auto [st, body] = c.get(target_path);
                ms.push_back(
                    std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
                if (st != 200) {
                    std::printf("  %s: HTTP %d %s\n", q, st, body.c_str());
                    status = 1;
                    break;
                }
                rows = std::count(body.begin(), body.end(), '{'); // items (+ owner objects)
                if (i == 0) {
                    const auto at = body.find("\"nextCursor\":\"");
                    if (at != std::string::npos) {
                        const auto s = at + 14;
                        cursor = body.substr(s, body.find('"', s) - s);
                    }
                }
            }
            std::printf("%-45s %9.2f %9.2f %9.2f %6zu\n", *q ? q : "(none)",
                        percentile(ms, 0.5), percentile(ms, 0.99), percentile(ms, 1.0), rows);
        }
        std::vector<double> ms;
        for (int i = 0; i < reps; ++i) {
            const auto t0 = clock_type::now();
            const auto [st, body] = c.get("/admin/v1/stats");
            ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
            if (st != 200) {
                std::printf("  stats: HTTP %d %s\n", st, body.c_str());
                status = 1;
            }
        }
        std::printf("%-45s %9.2f %9.2f %9.2f\n", "GET /admin/v1/stats", percentile(ms, 0.5),
                    percentile(ms, 0.99), percentile(ms, 1.0));
    }
    if (o.mode == "export" || o.mode == "admin") {
        for (const std::string format : {"ndjson", "csv"}) {
            // Sampled lines are checked after the clock stops: each NDJSON line is one JSON
            // object with a certSN; each CSV line has the header's number of fields.
            std::vector<std::pair<std::int64_t, std::string>> samples;
            const auto cpu0 = process_cpu_ms(target.server_pid());
            const auto t0 = clock_type::now();
            const auto r = c.get_streamed(
                "/admin/v1/certificates?format=" + format, 1000,
                [&](std::int64_t i, const std::string& line) { samples.emplace_back(i, line); });
            const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
            const auto cpu_ms = process_cpu_ms(target.server_pid()) - cpu0;
            const auto rows = format == "csv" ? r.lines - 1 : r.lines;
            const auto bad = export_sample_problems(format, samples);
            std::printf("export %-6s HTTP %d: %lld rows, %.1f MiB in %.2f s = %.0f rows/s, "
                        "server CPU %.2f us/row, %zu lines checked%s%s\n",
                        format.c_str(), r.status, static_cast<long long>(rows),
                        static_cast<double>(r.bytes) / 1048576.0, s, static_cast<double>(rows) / s,
                        rows > 0 ? cpu_ms * 1000.0 / static_cast<double>(rows) : 0.0,
                        samples.size(), bad.empty() ? "" : ", BAD: ", bad.c_str());
            if (r.status != 200 || !bad.empty()) {
                status = 1;
            }
        }
    }
    std::printf("localca peak RSS: %.1f MiB\n", peak_rss_mib(target.server_pid()));
    return status;
}

} // namespace localca::bench
