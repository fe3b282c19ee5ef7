// The transport over real loopback sockets: a Beast client for well-formed traffic, raw POSIX
// sockets (with receive timeouts, so a server bug fails a test instead of hanging it) for
// everything a well-behaved client would never send.
#include "server/core/http_server.hpp"
#include "server/core/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>

using namespace localca::server;
using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using http_response = http::response<http::string_body>;

namespace {

class raw_client {
public:
    explicit raw_client(unsigned short port, std::chrono::seconds timeout = 5s) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        BOOST_REQUIRE(m_fd >= 0);
        timeval tv{static_cast<time_t>(timeout.count()), 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~raw_client() { ::close(m_fd); }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    bool connected() const { return m_connected; }

    bool send(std::string_view data) {
        while (!data.empty()) {
            const auto n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) {
                return false;
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // One response (1xx included); nullopt if the connection ends or times out first.
    std::optional<http_response> read_response() {
        http::response_parser<http::string_body> parser;
        parser.eager(true);
        for (;;) {
            if (!m_pending.empty()) {
                beast::error_code ec;
                const auto used = parser.put(net::buffer(m_pending), ec);
                m_pending.erase(0, used);
                if (!ec && parser.is_done()) {
                    return parser.release();
                }
                if (ec && ec != http::error::need_more) {
                    return std::nullopt;
                }
                if (!ec && used > 0) {
                    continue;
                }
            }
            char buf[4096];
            const auto n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n <= 0) {
                return std::nullopt;
            }
            m_pending.append(buf, static_cast<std::size_t>(n));
        }
    }

    // True once the peer has closed (EOF or reset); false on timeout. Discards any data.
    bool wait_closed() {
        char buf[4096];
        for (;;) {
            const auto n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n == 0) {
                return true;
            }
            if (n < 0) {
                return errno != EAGAIN && errno != EWOULDBLOCK;
            }
        }
    }

private:
    int m_fd = -1;
    bool m_connected = false;
    std::string m_pending;
};

// A well-behaved keep-alive client.
class beast_client {
public:
    explicit beast_client(unsigned short port) : m_stream(m_ioc) {
        m_stream.connect(tcp::endpoint(net::ip::address_v4::loopback(), port));
    }

    http_response request(http::verb method, const std::string& target, std::string body = {}) {
        beast::error_code ec;
        auto res = try_request(method, target, std::move(body), ec);
        BOOST_REQUIRE_MESSAGE(!ec, "request " << target << " failed: " << ec.message());
        return res;
    }

    // Without Boost.Test assertions, which are not thread-safe: for use off the main thread.
    http_response try_request(http::verb method, const std::string& target, std::string body,
                              beast::error_code& result) {
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.body() = std::move(body);
        req.prepare_payload();
        http_response res;
        result = beast::error::timeout;
        m_stream.expires_after(5s);
        http::async_write(m_stream, req, [&](beast::error_code ec, std::size_t) {
            if (ec) {
                result = ec;
                return;
            }
            http::async_read(m_stream, m_buffer, res,
                             [&](beast::error_code ec, std::size_t) { result = ec; });
        });
        m_ioc.restart();
        m_ioc.run();
        return res;
    }

private:
    net::io_context m_ioc;
    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
};

// A server on 127.0.0.1:<free port> with one route per behaviour under test.
struct test_server {
    explicit test_server(options opts = {}) {
        opts.listen = "127.0.0.1:0";
        if (opts.worker_threads == 0) {
            opts.worker_threads = 2;
        }
        routes.add(http::verb::get, "/hello", [this](auto ctx, responder respond) {
            handler_saw_network_thread =
                handler_saw_network_thread || http_server::on_network_thread();
            handler_thread = std::this_thread::get_id();
            const auto name = ctx->query_param("name").value_or("world");
            respond(make_response(ctx->req, http::status::ok, "hello " + name, "text/plain"));
        });
        routes.add(http::verb::get, "/items/{id}", [](auto ctx, responder respond) {
            respond(
                make_response(ctx->req, http::status::ok, ctx->path_params.at("id"), "text/plain"));
        });
        routes.add(http::verb::post, "/echo", [](auto ctx, responder respond) {
            respond(make_response(ctx->req, http::status::ok, ctx->req.body(), "text/plain"));
        });
        routes.add(http::verb::get, "/later", [this](auto ctx, responder respond) {
            // Answered from a thread the server knows nothing about.
            std::lock_guard lock(m_mutex);
            m_helpers.emplace_back([ctx, respond] {
                std::this_thread::sleep_for(50ms);
                respond(make_response(ctx->req, http::status::ok, "later", "text/plain"));
            });
        });
        routes.add(http::verb::get, "/boom",
                   [](auto, responder) -> void { throw std::runtime_error("boom"); });
        routes.add(http::verb::get, "/silent", [](auto, responder) {});
        routes.add(http::verb::get, "/slow", [this](auto ctx, responder respond) {
            {
                std::lock_guard lock(m_mutex);
                m_slow_started = true;
            }
            m_cv.notify_all();
            std::this_thread::sleep_for(slow_time.load());
            respond(make_response(ctx->req, http::status::ok, "slow done", "text/plain"));
        });
        server = std::make_unique<http_server>(opts, routes);
        server->start();
        BOOST_REQUIRE(server->port() != 0);
    }

    ~test_server() {
        std::vector<std::thread> helpers;
        {
            std::lock_guard lock(m_mutex);
            helpers.swap(m_helpers);
        }
        for (auto& t : helpers) {
            t.join();
        }
        server->stop(5s);
    }

    unsigned short port() const { return server->port(); }

    void wait_slow_started() {
        std::unique_lock lock(m_mutex);
        BOOST_REQUIRE(m_cv.wait_for(lock, 5s, [this] { return m_slow_started; }));
    }

    router routes;
    std::unique_ptr<http_server> server;
    std::atomic<bool> handler_saw_network_thread{false};
    std::thread::id handler_thread;
    // Atomic: a test may change it while the server runs.
    std::atomic<std::chrono::milliseconds> slow_time{std::chrono::milliseconds(700)};

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_slow_started = false;
    std::vector<std::thread> m_helpers;
};

const std::regex k_uuid_v4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");

std::string request_text(const std::string& line, const std::string& extra_headers = "") {
    return line + "\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_http)

BOOST_AUTO_TEST_CASE(keep_alive_serves_two_requests_on_one_connection) {
    test_server s;
    beast_client client(s.port());
    auto first = client.request(http::verb::get, "/hello?name=a%20b+c");
    BOOST_TEST(first.result_int() == 200);
    BOOST_TEST(first.body() == "hello a b c");
    BOOST_TEST(first.keep_alive());
    const std::string id1(first["X-Request-Id"]);
    BOOST_TEST(std::regex_match(id1, k_uuid_v4), id1);

    auto second = client.request(http::verb::get, "/items/42/");
    BOOST_TEST(second.result_int() == 200);
    BOOST_TEST(second.body() == "42");
    const std::string id2(second["X-Request-Id"]);
    BOOST_TEST(std::regex_match(id2, k_uuid_v4), id2);
    BOOST_TEST(id1 != id2);
}

BOOST_AUTO_TEST_CASE(unknown_paths_and_methods) {
    test_server s;
    beast_client client(s.port());
    auto res = client.request(http::verb::get, "/nope");
    BOOST_TEST(res.result_int() == 404);
    BOOST_TEST(res.body() == R"({"message":"Not Found"})");
    BOOST_TEST(res[http::field::content_type] == "application/json");
    BOOST_TEST(!res["X-Request-Id"].empty());

    res = client.request(http::verb::post, "/hello");
    BOOST_TEST(res.result_int() == 405);
    BOOST_TEST(res.body() == R"({"message":"Method Not Allowed"})");

    // A malformed escape is a client error, but framing was fine: the connection stays usable.
    res = client.request(http::verb::get, "/items/%zz");
    BOOST_TEST(res.result_int() == 400);
    BOOST_TEST(client.request(http::verb::get, "/hello").result_int() == 200);
}

BOOST_AUTO_TEST_CASE(handlers_answer_later_fail_or_forget) {
    test_server s;
    beast_client client(s.port());
    auto res = client.request(http::verb::get, "/later");
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(res.body() == "later");

    res = client.request(http::verb::get, "/boom");
    BOOST_TEST(res.result_int() == 500);
    BOOST_TEST(res.body() == R"({"message":"An unexpected error occurred"})");

    res = client.request(http::verb::get, "/silent");
    BOOST_TEST(res.result_int() == 500);

    BOOST_TEST(client.request(http::verb::get, "/hello").result_int() == 200);
}

BOOST_AUTO_TEST_CASE(handlers_never_run_on_a_network_thread) {
    options opts;
    opts.io_threads = 1;
    opts.worker_threads = 2;
    test_server s(opts);
    beast_client client(s.port());
    BOOST_TEST(client.request(http::verb::get, "/hello").result_int() == 200);
    BOOST_TEST(!s.handler_saw_network_thread.load());
    BOOST_TEST((s.handler_thread != std::this_thread::get_id()));

    // With a single network thread busy in a handler, nothing else could be served. It is not.
    raw_client slow(s.port());
    BOOST_REQUIRE(slow.send(request_text("GET /slow HTTP/1.1")));
    s.wait_slow_started();
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST(client.request(http::verb::get, "/nope").result_int() == 404);
    BOOST_TEST(client.request(http::verb::get, "/hello").result_int() == 200);
    BOOST_TEST((std::chrono::steady_clock::now() - start < s.slow_time.load() / 2));
    auto res = slow.read_response();
    BOOST_REQUIRE(res);
    BOOST_TEST(res->body() == "slow done");
}

BOOST_AUTO_TEST_CASE(body_over_the_limit_is_413) {
    options opts;
    opts.limit.body_bytes = 1024;
    test_server s(opts);

    beast_client ok(s.port());
    auto res = ok.request(http::verb::post, "/echo", std::string(1000, 'x'));
    BOOST_TEST(res.result_int() == 200);
    BOOST_TEST(res.body().size() == 1000u);

    raw_client big(s.port());
    BOOST_REQUIRE(big.send(request_text("POST /echo HTTP/1.1", "Content-Length: 2000\r\n") +
                           std::string(2000, 'y')));
    auto r = big.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->result_int() == 413);
    BOOST_TEST(r->body() == R"({"message":"Request size limit exceeded"})");
    BOOST_TEST(!r->keep_alive());
    BOOST_TEST(big.wait_closed());

    // Chunked: no Content-Length to check up front; the limit applies while reading.
    raw_client chunked(s.port());
    BOOST_REQUIRE(
        chunked.send(request_text("POST /echo HTTP/1.1", "Transfer-Encoding: chunked\r\n") +
                     "800\r\n" + std::string(0x800, 'z') + "\r\n0\r\n\r\n"));
    r = chunked.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->result_int() == 413);
}

BOOST_AUTO_TEST_CASE(expect_100_continue_is_honoured) {
    test_server s;
    raw_client c(s.port());
    BOOST_REQUIRE(c.send(
        request_text("POST /echo HTTP/1.1", "Content-Length: 5\r\nExpect: 100-continue\r\n")));
    auto interim = c.read_response();
    BOOST_REQUIRE(interim);
    BOOST_TEST(interim->result_int() == 100);
    BOOST_REQUIRE(c.send("hello"));
    auto res = c.read_response();
    BOOST_REQUIRE(res);
    BOOST_TEST(res->result_int() == 200);
    BOOST_TEST(res->body() == "hello");
}

BOOST_AUTO_TEST_CASE(header_over_the_limit_is_431) {
    options opts;
    opts.limit.header_bytes = 1024;
    test_server s(opts);
    raw_client c(s.port());
    BOOST_REQUIRE(
        c.send(request_text("GET /hello HTTP/1.1", "X-Big: " + std::string(4000, 'a') + "\r\n")));
    auto r = c.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->result_int() == 431);
    BOOST_TEST(c.wait_closed());
}

BOOST_AUTO_TEST_CASE(garbage_gets_400_and_the_server_keeps_serving) {
    test_server s;
    raw_client c(s.port());
    BOOST_REQUIRE(c.send("\x16\x03\x01\x02\x00 not http at all\r\n\r\n"));
    auto r = c.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->result_int() == 400);
    BOOST_TEST(r->body() == R"({"message":"Bad Request"})");
    BOOST_TEST(c.wait_closed());

    beast_client next(s.port());
    BOOST_TEST(next.request(http::verb::get, "/hello").result_int() == 200);
}

BOOST_AUTO_TEST_CASE(http_1_0_without_keep_alive_is_closed_after_the_response) {
    test_server s;
    raw_client c(s.port());
    BOOST_REQUIRE(c.send(request_text("GET /hello HTTP/1.0")));
    auto r = c.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->result_int() == 200);
    BOOST_TEST(r->version() == 10);
    BOOST_TEST(c.wait_closed());
}

BOOST_AUTO_TEST_CASE(connections_beyond_the_limit_are_closed) {
    options opts;
    opts.limit.max_connections = 2;
    test_server s(opts);
    auto a = std::make_unique<raw_client>(s.port());
    raw_client b(s.port());
    raw_client c(s.port());
    BOOST_REQUIRE(a->connected() && b.connected() && c.connected()); // the kernel accepts all three
    BOOST_TEST(c.wait_closed());

    BOOST_REQUIRE(a->send(request_text("GET /hello HTTP/1.1")));
    auto r = a->read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->result_int() == 200);

    // Closing one frees its slot (once the server has noticed, hence the retries).
    a.reset();
    bool served = false;
    for (int attempt = 0; attempt < 20 && !served; ++attempt) {
        raw_client d(s.port());
        served = d.send(request_text("GET /hello HTTP/1.1")) && d.read_response().has_value();
        if (!served) {
            std::this_thread::sleep_for(50ms);
        }
    }
    BOOST_TEST(served);
}

BOOST_AUTO_TEST_CASE(silent_and_slow_clients_time_out) {
    options opts;
    opts.limit.read_timeout = 1s;
    test_server s(opts);

    const auto start = std::chrono::steady_clock::now();
    raw_client silent(s.port());
    raw_client partial(s.port());
    BOOST_REQUIRE(partial.send("GET /hello HTTP/1.1\r\nHost: x\r\n"));
    BOOST_TEST(silent.wait_closed());
    BOOST_TEST(partial.wait_closed());
    const auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST((elapsed >= 900ms));
    BOOST_TEST((elapsed < 4s));
}

BOOST_AUTO_TEST_CASE(a_handler_slower_than_the_read_timeout_is_still_answered) {
    // The deadline covers the client's reading and writing, not the handler's time: the
    // connection waits without one while its handler runs (session::close_if_past).
    options opts;
    opts.limit.read_timeout = 1s;
    opts.limit.header_timeout = 1s;
    test_server s(opts);
    s.slow_time = 1600ms; // longer than the timeouts plus the sweep's period
    raw_client slow(s.port());
    BOOST_REQUIRE(slow.send(request_text("GET /slow HTTP/1.1")));
    auto res = slow.read_response();
    BOOST_REQUIRE(res);
    BOOST_TEST(res->result_int() == 200);
    BOOST_TEST(res->body() == "slow done");
    // Then the keep-alive wait has its header deadline again.
    const auto start = std::chrono::steady_clock::now();
    BOOST_TEST(slow.wait_closed());
    const auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST((elapsed >= 900ms));
    BOOST_TEST((elapsed < 2500ms));
}

BOOST_AUTO_TEST_CASE(header_timeout_cuts_a_trickled_header_but_not_a_slow_body) {
    options opts;
    opts.limit.header_timeout = 1s;
    opts.limit.read_timeout = 5s;
    test_server s(opts);

    // Slow loris: a header line every 100 ms never completes the header block.
    const auto start = std::chrono::steady_clock::now();
    raw_client loris(s.port());
    bool cut = !loris.send("GET /hello HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 40 && !cut; ++i) {
        std::this_thread::sleep_for(100ms);
        cut = !loris.send("X-Trickle: " + std::to_string(i) + "\r\n");
    }
    BOOST_TEST(loris.wait_closed());
    const auto elapsed = std::chrono::steady_clock::now() - start;
    BOOST_TEST((elapsed >= 900ms));
    BOOST_TEST((elapsed < 2500ms));

    // A slow body gets the rest of the read timeout: 2 s of body is answered.
    raw_client body(s.port());
    BOOST_REQUIRE(body.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n"));
    for (int i = 0; i < 20; ++i) {
        std::this_thread::sleep_for(100ms);
        BOOST_REQUIRE(body.send("b"));
    }
    auto r = body.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->result_int() == 200);
    BOOST_TEST(r->body() == std::string(20, 'b'));
}

BOOST_AUTO_TEST_CASE(graceful_stop_finishes_in_flight_requests) {
    test_server s;
    const auto port = s.port();

    raw_client idle(port); // keep-alive connection with no request in flight
    BOOST_REQUIRE(idle.send(request_text("GET /hello HTTP/1.1")));
    BOOST_REQUIRE(idle.read_response());

    auto slow = std::make_shared<raw_client>(port);
    BOOST_REQUIRE(slow->send(request_text("GET /slow HTTP/1.1")));
    auto answer = std::async(std::launch::async, [slow] { return slow->read_response(); });
    s.wait_slow_started();

    const auto start = std::chrono::steady_clock::now();
    s.server->stop(30s);
    BOOST_TEST((std::chrono::steady_clock::now() - start < 10s));

    BOOST_REQUIRE((answer.wait_for(5s) == std::future_status::ready));
    const auto res = answer.get();
    BOOST_REQUIRE(res);
    BOOST_TEST(res->result_int() == 200);
    BOOST_TEST(res->body() == "slow done");
    BOOST_TEST(!res->keep_alive()); // told to go away

    BOOST_TEST(idle.wait_closed());
    s.server->wait(); // returns at once
    BOOST_TEST(s.server->port() == port);
    raw_client late(port);
    BOOST_TEST(!late.connected());
}

BOOST_AUTO_TEST_CASE(stop_from_another_thread_releases_wait) {
    test_server s;
    std::thread stopper([&] {
        std::this_thread::sleep_for(100ms);
        s.server->stop();
    });
    s.server->wait();
    stopper.join();
    raw_client late(s.port());
    BOOST_TEST(!late.connected());
    s.server->stop(); // idempotent
}

BOOST_AUTO_TEST_CASE(many_clients_on_several_network_threads) {
    options opts;
    opts.io_threads = 3;
    opts.worker_threads = 3;
    test_server s(opts);
    std::atomic<int> ok{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < 6; ++c) {
        clients.emplace_back([&, c] {
            beast_client client(s.port());
            for (int i = 0; i < 20; ++i) {
                const auto id = std::to_string(c * 100 + i);
                const auto target = (i % 3 == 0) ? "/later" : "/items/" + id;
                beast::error_code ec;
                auto res = client.try_request(http::verb::get, target, {}, ec);
                if (!ec && res.result_int() == 200 && res.body() == (i % 3 == 0 ? "later" : id)) {
                    ++ok;
                }
            }
        });
    }
    for (auto& t : clients) {
        t.join();
    }
    BOOST_TEST(ok.load() == 120);
}

BOOST_AUTO_TEST_CASE(stop_without_grace_abandons_in_flight_requests) {
    test_server s;
    raw_client idle(s.port());
    raw_client slow(s.port());
    BOOST_REQUIRE(slow.send(request_text("GET /slow HTTP/1.1")));
    s.wait_slow_started();
    s.server->stop(0s); // returns once the handler is done; its answer goes nowhere
    BOOST_TEST(!slow.read_response().has_value());
    BOOST_TEST(idle.wait_closed());
}

BOOST_AUTO_TEST_CASE(destroying_a_running_server_closes_its_connections) {
    router routes;
    routes.add(http::verb::get, "/", [](auto ctx, responder respond) {
        respond(make_response(ctx->req, http::status::ok, "root", "text/plain"));
    });
    options opts;
    opts.listen = "127.0.0.1:0";
    auto server = std::make_unique<http_server>(opts, routes);
    server->start();
    raw_client c(server->port());
    BOOST_REQUIRE(c.send(request_text("GET / HTTP/1.1")));
    auto r = c.read_response();
    BOOST_REQUIRE(r);
    BOOST_TEST(r->body() == "root");
    server.reset();
    BOOST_TEST(c.wait_closed());
}

BOOST_AUTO_TEST_CASE(bind_failures_name_the_address) {
    test_server s;
    router routes;
    options opts;
    opts.listen = "127.0.0.1:" + std::to_string(s.port());
    http_server second(opts, routes);
    try {
        second.start();
        BOOST_FAIL("start() should have thrown");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.rfind("cannot listen on " + opts.listen + ": ", 0) == 0u, what);
    }

    opts.listen = "no-port-here";
    http_server third(opts, routes);
    BOOST_CHECK_THROW(third.start(), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
