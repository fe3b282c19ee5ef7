#include "server/foundry/reload_command.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace localca::server::foundry {

namespace {

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct spawn_setup {
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;
    spawn_setup() {
        posix_spawnattr_init(&attr);
        posix_spawn_file_actions_init(&actions);
    }
    ~spawn_setup() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    spawn_setup(const spawn_setup&) = delete;
    spawn_setup& operator=(const spawn_setup&) = delete;
};

} // namespace

command_outcome run_command(const std::string& command, std::chrono::milliseconds timeout) {
    command_outcome out;
    spawn_setup s;
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE); // ignored by the server; an ignored disposition survives exec
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGHUP);
    posix_spawnattr_setsigmask(&s.attr, &none);
    posix_spawnattr_setsigdefault(&s.attr, &defaults);
    posix_spawnattr_setpgroup(&s.attr, 0);
    posix_spawnattr_setflags(&s.attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                          POSIX_SPAWN_SETPGROUP);
    posix_spawn_file_actions_addopen(&s.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&s.actions, 2, 1);

    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    const int rc =
        posix_spawn(&pid, "/bin/sh", &s.actions, &s.attr, const_cast<char* const*>(argv), environ);
    if (rc != 0) {
        out.problem = std::string("cannot start /bin/sh: ") + std::strerror(rc);
        return out;
    }
    // Polled rather than waited on with a signal: the server's threads block signals, and the
    // commands we expect (kill -HUP, systemctl reload) end within milliseconds.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int st = 0;
        const pid_t done = ::waitpid(pid, &st, WNOHANG);
        if (done == pid) {
            out.ran = WIFEXITED(st);
            out.exit_status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
            if (!out.ran) {
                out.problem = "killed by signal " + std::to_string(WTERMSIG(st));
            }
            return out;
        }
        if (done < 0 && errno != EINTR) {
            out.problem = std::string("waitpid failed: ") + std::strerror(errno);
            return out;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, &st, 0);
            out.problem = "timed out after " + std::to_string(timeout.count()) + " ms";
            return out;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

} // namespace localca::server::foundry
