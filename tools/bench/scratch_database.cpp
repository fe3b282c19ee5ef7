#include "tools/bench/scratch_database.hpp"

#include "storage/connection.hpp"

#include <unistd.h>

#include <atomic>
#include <stdexcept>

namespace localca::bench {

namespace {

std::unique_ptr<storage::connection> connect(const std::string& url) {
    storage::options o;
    o.backend = storage::backend::postgres;
    o.postgres.url = url;
    return storage::open_connection(o);
}

} // namespace

std::string with_database(const std::string& url, const std::string& name) {
    const auto scheme = url.find("://");
    const auto prefix = url.substr(0, scheme == std::string::npos ? 0 : scheme);
    if (scheme == std::string::npos || (prefix != "postgres" && prefix != "postgresql")) {
        throw std::invalid_argument("--storage: not a postgres:// or postgresql:// URL: " + url);
    }
    const auto query = url.find('?', scheme + 3);
    const auto authority_end = url.find('/', scheme + 3);
    const auto host_end = std::min(authority_end, query);
    const std::string tail = query == std::string::npos ? "" : url.substr(query);
    return url.substr(0, host_end) + "/" + name + tail;
}

scratch_database::scratch_database(const std::string& server_url) : m_server_url(server_url) {
    static std::atomic<int> n{0};
    m_name = "localca_bench_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
    m_url = with_database(server_url, m_name);
    connect(server_url)->exec_script("CREATE DATABASE " + m_name);
}

scratch_database::~scratch_database() {
    try {
        connect(m_server_url)->exec_script("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
    } catch (const std::exception&) {
        // Left behind (the server went away): its name says whose it was.
    }
}

} // namespace localca::bench
