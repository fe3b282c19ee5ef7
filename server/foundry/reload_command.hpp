#pragma once
// Runs the configured broker reload command (e.g. "kill -HUP $(cat /run/mosquitto.pid)").
#include <chrono>
#include <string>

namespace localca::server::foundry {

struct command_outcome {
    bool ran = false;     // false: could not be started, or killed at the timeout
    int exit_status = -1; // when ran
    std::string problem;  // what went wrong, for the log
};

// `/bin/sh -c command` in its own process group, stdin /dev/null and stdout sent to stderr (our
// stdout is the access log), with default signal dispositions and an empty signal mask (the
// server blocks SIGINT/SIGTERM in all its threads, which a child would inherit). Waits at most
// `timeout`, then kills the whole group.
command_outcome run_command(const std::string& command, std::chrono::milliseconds timeout);

} // namespace localca::server::foundry
