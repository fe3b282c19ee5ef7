#include "tools/bench/admin_bench.hpp"

#include "tools/bench/localca_target.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
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
};

std::string create_token(const options& o, const std::filesystem::path& data) {
    const auto cmd = o.localca_bin.string() + " admin token create --name bench --role viewer " +
                     "--data-dir " + data.string();
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
    const auto token = create_token(o, o.work_dir / "localca" / "data");
    admin_client c(target.port(), token);
    int status = 0;
    if (o.mode == "inventory") {
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
        };
        const int reps = 30;
        std::printf("%-45s %9s %9s %6s\n", "filter (limit=100)", "p50 ms", "p99 ms", "rows");
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
                ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
                if (st != 200) {
                    std::printf("  %s: HTTP %d %s\n", q, st, body.c_str());
                    status = 1;
                    break;
                }
                rows = std::count(body.begin(), body.end(), '{') ; // items (+ owner objects)
                if (i == 0) {
                    const auto at = body.find("\"nextCursor\":\"");
                    if (at != std::string::npos) {
                        const auto s = at + 14;
                        cursor = body.substr(s, body.find('"', s) - s);
                    }
                }
            }
            std::printf("%-45s %9.2f %9.2f %6zu\n", *q ? q : "(none)", percentile(ms, 0.5),
                        percentile(ms, 0.99), rows);
        }
        std::vector<double> ms;
        for (int i = 0; i < 10; ++i) {
            const auto t0 = clock_type::now();
            const auto [st, body] = c.get("/admin/v1/stats");
            ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
            if (st != 200) {
                std::printf("  stats: HTTP %d %s\n", st, body.c_str());
                status = 1;
            }
        }
        std::printf("%-45s %9.2f %9.2f\n", "GET /admin/v1/stats", percentile(ms, 0.5),
                    percentile(ms, 0.99));
    } else {
        for (const char* format : {"ndjson", "csv"}) {
            const auto t0 = clock_type::now();
            const auto [st, body] = c.get(std::string("/admin/v1/certificates?format=") + format);
            const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
            const auto lines = std::count(body.begin(), body.end(), '\n');
            const auto rows = format == std::string("csv") ? lines - 1 : lines;
            std::printf("export %-6s HTTP %d: %lld rows, %.1f MiB in %.2f s = %.0f rows/s\n", format,
                        st, static_cast<long long>(rows), body.size() / 1048576.0, s, rows / s);
            if (st != 200) {
                status = 1;
            }
        }
    }
    std::printf("localca peak RSS: %.1f MiB\n", peak_rss_mib(target.server_pid()));
    return status;
}

} // namespace localca::bench
