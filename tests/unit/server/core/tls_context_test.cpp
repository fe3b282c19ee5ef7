// The HTTPS listener over real loopback sockets, with certificates made by the openssl CLI and
// checked by curl and openssl s_client (never by our own TLS code).
#include "server/core/http_server.hpp"
#include "server/core/router.hpp"
#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <thread>

using namespace localca::server;
using namespace std::chrono_literals;
using localca::test::error_of;
using localca::test::must_run;
using localca::test::read_file;
using localca::test::temp_dir;

namespace {

// A self-signed P-256 certificate for localhost / 127.0.0.1: <stem>.crt, <stem>.key.
void make_certificate(const temp_dir& dir, const std::string& stem) {
    must_run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "
             "/CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 -keyout " +
             (dir / (stem + ".key")).string() + " -out " + (dir / (stem + ".crt")).string());
}

struct tls_server {
    tls_server(const temp_dir& dir, options opts = {}) {
        opts.listen = "127.0.0.1:0";
        opts.tls_listen = "127.0.0.1:0";
        opts.worker_threads = 1;
        routes.add(http::verb::get, "/where", [](auto ctx, responder respond) {
            respond(make_response(ctx->req, http::status::ok,
                                  http_server::on_network_thread() ? "network" : "worker",
                                  "text/plain"));
        });
        make_certificate(dir, "server");
        server = std::make_unique<http_server>(opts, routes);
        server->set_tls_certificate(read_file(dir / "server.crt"), read_file(dir / "server.key"));
        server->start();
        BOOST_REQUIRE(server->port() != 0 && server->tls_port() != 0);
    }
    ~tls_server() { server->stop(5s); }

    std::string https(const temp_dir& dir, const std::string& path = "/where") const {
        return "curl -sS --max-time 20 --cacert " + (dir / "server.crt").string() +
               " https://127.0.0.1:" + std::to_string(server->tls_port()) + path;
    }

    router routes;
    std::unique_ptr<http_server> server;
};

// A plain keep-alive connection that has been answered once, so the server has certainly
// accepted it and counts it; it then holds its connection slot until destroyed.
class kept_client {
public:
    explicit kept_client(unsigned short port) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        timeval tv{10, 0};
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        BOOST_REQUIRE(::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
        const std::string request = "GET /where HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        BOOST_REQUIRE(::send(m_fd, request.data(), request.size(), MSG_NOSIGNAL) ==
                      static_cast<ssize_t>(request.size()));
        char buf[512];
        BOOST_REQUIRE(::recv(m_fd, buf, sizeof buf, 0) > 0);
    }
    ~kept_client() { ::close(m_fd); }
    kept_client(const kept_client&) = delete;
    kept_client& operator=(const kept_client&) = delete;

private:
    int m_fd = -1;
};

} // namespace

BOOST_AUTO_TEST_SUITE(server_tls)

BOOST_AUTO_TEST_CASE(https_and_http_side_by_side) {
    temp_dir dir;
    tls_server s(dir);
    // Handlers run on the worker pool for TLS connections too.
    BOOST_TEST(must_run(s.https(dir)) == "worker");
    BOOST_TEST(must_run("curl -sS --max-time 20 http://127.0.0.1:" +
                        std::to_string(s.server->port()) + "/where") == "worker");
    const auto handshake = must_run(
        "openssl s_client -connect 127.0.0.1:" + std::to_string(s.server->tls_port()) +
        " -CAfile " + (dir / "server.crt").string() + " -verify_return_error -tls1_2 </dev/null");
    BOOST_TEST(handshake.find("Cipher is ECDHE-ECDSA-") != std::string::npos, handshake);
}

BOOST_AUTO_TEST_CASE(new_certificate_for_new_connections) {
    temp_dir dir;
    tls_server s(dir);
    make_certificate(dir, "next");
    s.server->set_tls_certificate(read_file(dir / "next.crt"), read_file(dir / "next.key"));
    // The old certificate no longer verifies what is served; the new one does.
    BOOST_TEST(localca::test::run(s.https(dir)).status != 0);
    BOOST_TEST(must_run("curl -sS --max-time 20 --cacert " + (dir / "next.crt").string() +
                        " https://127.0.0.1:" + std::to_string(s.server->tls_port()) + "/where") ==
               "worker");
}

BOOST_AUTO_TEST_CASE(both_listeners_share_the_connection_limit) {
    temp_dir dir;
    options opts;
    opts.limit.max_connections = 1;
    tls_server s(dir, opts);
    {
        kept_client plain(s.server->port());
        BOOST_TEST(localca::test::run(s.https(dir)).status != 0);
    }
    bool served = false;
    for (int attempt = 0; attempt < 40 && !served; ++attempt) {
        served = localca::test::run(s.https(dir)).status == 0;
        if (!served) {
            std::this_thread::sleep_for(50ms);
        }
    }
    BOOST_TEST(served);
}

BOOST_AUTO_TEST_CASE(certificate_errors_are_explained) {
    temp_dir dir;
    make_certificate(dir, "a");
    make_certificate(dir, "b");
    router routes;
    options opts;
    opts.listen = "";
    opts.tls_listen = "127.0.0.1:0";
    http_server server(opts, routes);
    BOOST_CHECK_THROW(server.start(), std::logic_error); // no certificate yet
    http_server other(opts, routes);
    BOOST_TEST(error_of([&] {
                   other.set_tls_certificate(read_file(dir / "a.crt"), read_file(dir / "b.key"));
               }) == "the private key does not match the certificate");
    BOOST_TEST(error_of([&] {
                   other.set_tls_certificate("not PEM", read_file(dir / "a.key"));
               }).rfind("cannot use the certificate", 0) == 0u);
    BOOST_TEST(error_of([&] {
                   other.set_tls_certificate(read_file(dir / "a.crt"), "not PEM");
               }).rfind("cannot use the private key", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
