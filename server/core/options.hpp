#pragma once
// HTTP transport options. Every field documents its default.
#include <chrono>
#include <cstddef>
#include <string>

namespace localca::server {

struct limits {
    // Largest request body; a larger one is answered 413 without reading it. Default 1 MiB.
    std::size_t body_bytes = 1024 * 1024;
    // Largest request header block; beyond it 431 (Beast's header_limit). Default 16 KiB.
    std::size_t header_bytes = 16 * 1024;
    // Time a client has to send one whole request (header and body). Default 30 s.
    std::chrono::seconds read_timeout{30};
    // Time a client has to send a request's whole header block (slow-loris defence), counted from
    // when the server starts waiting for it; it also bounds how long an idle keep-alive
    // connection is kept. The body then has what is left of read_timeout. Capped at read_timeout.
    // Default 10 s.
    std::chrono::seconds header_timeout{10};
    // Open connections beyond this are accepted and closed at once. Default 1024.
    std::size_t max_connections = 1024;
};

struct options {
    // Plain HTTP "HOST:PORT"; port 0 picks a free port (see http_server::port()); "" = no plain
    // listener (then tls_listen must be set). Default "127.0.0.1:8080".
    std::string listen = "127.0.0.1:8080";
    // HTTPS "HOST:PORT" (see http_server::tls_port()); "" = no HTTPS listener. The certificate
    // comes from http_server::set_tls_certificate(), before start(). Both listeners share the
    // limits (max_connections counts both) and the routes. Default "".
    std::string tls_listen;
    // Threads running network I/O. Default 1 (parsing and writing are cheap).
    unsigned io_threads = 1;
    // Threads running handlers (crypto, SQL). Default 0 = one per core.
    unsigned worker_threads = 0;
    limits limit;
};

} // namespace localca::server
