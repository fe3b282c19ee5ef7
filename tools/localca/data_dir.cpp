#include "tools/localca/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace localca::tools {

std::filesystem::path database_path(const std::filesystem::path& dir) {
    return dir / "localca.db";
}

storage::options storage_options(const std::filesystem::path& dir, storage::options base) {
    base.path = database_path(dir);
    return base;
}

data_dir_lock::data_dir_lock(const std::filesystem::path& dir) {
    const auto path = dir / "localca.lock";
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_fd < 0) {
        throw std::runtime_error("cannot open lock file " + path.string() + ": " +
                                 std::strerror(errno));
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(m_fd);
        m_fd = -1;
        if (err == EWOULDBLOCK) {
            throw std::runtime_error("another localca server is already running on data dir " +
                                     dir.string() + " (lock file " + path.string() +
                                     " is held); stop it first");
        }
        throw std::runtime_error("cannot lock " + path.string() + ": " + std::strerror(err));
    }
    // Record who holds it, for humans; the lock itself is the flock.
    const auto pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(m_fd, 0) == 0) {
        [[maybe_unused]] auto n = ::write(m_fd, pid.data(), pid.size());
    }
}

data_dir_lock::~data_dir_lock() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

} // namespace localca::tools
