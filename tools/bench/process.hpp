#pragma once
// A child process of the benchmark (the servers under test).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace localca::bench {

class child {
public:
    // Starts argv[0] with stdout and stderr appended to log.
    child(const std::vector<std::string>& argv, const std::filesystem::path& log);
    ~child(); // stop()
    child(const child&) = delete;
    child& operator=(const child&) = delete;

    int pid() const { return m_pid; }
    // SIGTERM, then waits; returns the exit status (or -1).
    int stop();

private:
    int m_pid = -1;
};

// Polls GET path on 127.0.0.1:port until it answers (any HTTP status), up to timeout_s.
void wait_until_listening(std::uint16_t port, const std::string& path, double timeout_s);

// A free loopback TCP port.
std::uint16_t free_port();

// One HTTP request on a fresh connection (setup calls, not the measured load).
std::pair<int, std::string>
http_call(std::uint16_t port, const std::string& method, const std::string& target,
          const std::string& body,
          const std::vector<std::pair<std::string, std::string>>& headers = {});

} // namespace localca::bench
