// The load loop: N threads, each with one keep-alive connection, issuing requests back to back
// for a fixed time. Synchronous Beast per thread keeps the client simple; the client's own cost
// (a SHA-256 per request) is small next to the server's signature.
#include "tools/bench/bench.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

namespace localca::bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

double round_result::percentile(double p) const {
    if (latencies_ms.empty()) {
        return 0;
    }
    std::vector<double> v = latencies_ms;
    const auto k = static_cast<std::size_t>(std::min<double>(v.size() - 1, p / 100.0 * v.size()));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    return v[k];
}

round_result run_load(target& t, std::size_t items, unsigned connections, double duration) {
    round_result total;
    total.target = t.name();
    std::mutex mutex;
    std::atomic<std::size_t> next{0};
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      std::chrono::duration<double>(duration));
    const double server_cpu0 = process_cpu_ms(t.server_pid());
    const double client_cpu0 = process_cpu_ms();
    std::vector<std::thread> threads;
    for (unsigned c = 0; c < connections; ++c) {
        threads.emplace_back([&] {
            round_result mine;
            asio::io_context io;
            beast::tcp_stream stream(io);
            beast::flat_buffer buffer;
            bool connected = false;
            while (std::chrono::steady_clock::now() < deadline) {
                const std::size_t i = next++ % items;
                auto req = t.make_request(i);
                http::request<http::string_body> r{http::verb::post, req.target, 11};
                if (req.body.empty()) {
                    r.method(http::verb::get);
                }
                r.set(http::field::host, "127.0.0.1");
                for (auto& [k, v] : req.headers) {
                    r.set(k, v);
                }
                r.body() = std::move(req.body);
                r.prepare_payload();
                const auto t0 = std::chrono::steady_clock::now();
                http_result result;
                try {
                    if (!connected) {
                        stream.connect(
                            tcp::endpoint(asio::ip::make_address("127.0.0.1"), t.port()));
                        connected = true;
                    }
                    http::write(stream, r);
                    http::response<http::string_body> res;
                    http::read(stream, buffer, res);
                    result.status = res.result_int();
                    result.body = std::move(res.body());
                    if (!res.keep_alive()) {
                        beast::error_code ec;
                        stream.socket().shutdown(tcp::socket::shutdown_both, ec);
                        stream.close();
                        connected = false;
                    }
                } catch (const std::exception& e) {
                    result.status = 0;
                    result.body = e.what();
                    stream.close();
                    connected = false;
                }
                const auto t1 = std::chrono::steady_clock::now();
                if (t1 > deadline && result.status == 0) {
                    break; // cut off by the end of the round, not an error
                }
                const auto why = t.check(i, result);
                if (why.empty()) {
                    ++mine.ok;
                    mine.latencies_ms.push_back(
                        std::chrono::duration<double, std::milli>(t1 - t0).count());
                } else {
                    ++mine.errors;
                    if (mine.first_error.empty()) {
                        mine.first_error = why;
                    }
                }
            }
            std::lock_guard lock(mutex);
            total.ok += mine.ok;
            total.errors += mine.errors;
            if (total.first_error.empty()) {
                total.first_error = mine.first_error;
            }
            total.latencies_ms.insert(total.latencies_ms.end(), mine.latencies_ms.begin(),
                                      mine.latencies_ms.end());
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    total.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    total.server_cpu_ms = process_cpu_ms(t.server_pid()) - server_cpu0;
    total.client_cpu_ms = process_cpu_ms() - client_cpu0;
    return total;
}

void print_round(const round_result& r, unsigned cores) {
    const double max = r.latencies_ms.empty()
                           ? 0
                           : *std::max_element(r.latencies_ms.begin(), r.latencies_ms.end());
    std::printf("%-8s %9.1f certs/s  ok %-7llu errors %-4llu  p50 %6.2f  p90 %6.2f  p99 %6.2f  "
                "max %7.2f ms\n",
                r.target.c_str(), r.per_second(), static_cast<unsigned long long>(r.ok),
                static_cast<unsigned long long>(r.errors), r.percentile(50), r.percentile(90),
                r.percentile(99), max);
    if (r.ok && r.seconds > 0) {
        // Both processes share the machine's cores: what the client takes, the server cannot use.
        const double machine_ms = cores * r.seconds * 1e3;
        std::printf("         cpu per certificate: server %.3f ms, client %.3f ms; of the "
                    "machine: server %.0f%%, client %.0f%%, other or idle %.0f%%\n",
                    r.server_ms_per_cert(), r.client_ms_per_cert(),
                    100 * r.server_cpu_ms / machine_ms, 100 * r.client_cpu_ms / machine_ms,
                    100 * std::max(0.0, 1 - (r.server_cpu_ms + r.client_cpu_ms) / machine_ms));
    }
    if (!r.first_error.empty()) {
        std::printf("         first error: %s\n", r.first_error.substr(0, 300).c_str());
    }
    std::fflush(stdout);
}

} // namespace localca::bench
