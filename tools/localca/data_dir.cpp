#include "tools/localca/data_dir.hpp"

#include "tools/localca/lab.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

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

std::shared_ptr<const ca::clock> clock_of(const std::filesystem::path& dir) {
    return stored_lab_clock(dir); // lab mode's time travel (tools/localca/lab.hpp)
}

namespace {

// Written once by the CLI before the command runs (single-threaded then), read after.
storage::options& command_storage() {
    static storage::options base;
    return base;
}

} // namespace

storage::options storage_options(const std::filesystem::path& dir, storage::options base) {
    base.path = database_path(dir);
    return base;
}

storage::options storage_options(const std::filesystem::path& dir) {
    return storage_options(dir, command_storage());
}

void set_command_storage(const storage::options& base) {
    command_storage() = base;
}

bool database_initialised(const std::filesystem::path& dir) {
    const auto opts = storage_options(dir);
    if (opts.backend == storage::backend::sqlite) {
        return std::filesystem::exists(opts.path);
    }
    const auto db = storage::open_connection(opts);
    return storage::sql::table_exists(*db, "schema_version");
}

std::vector<unsigned char> load_or_create_secret(const std::filesystem::path& file,
                                                 std::size_t size) {
    std::vector<unsigned char> key(size);
    int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        int urandom = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (urandom < 0 || ::read(urandom, key.data(), size) != static_cast<ssize_t>(size)) {
            throw std::runtime_error("cannot read /dev/urandom");
        }
        ::close(urandom);
        int out = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (out >= 0) {
            const bool ok =
                ::write(out, key.data(), size) == static_cast<ssize_t>(size) && ::fsync(out) == 0;
            ::close(out);
            if (!ok) {
                throw std::runtime_error("cannot write " + file.string());
            }
            return key;
        }
        if (errno != EEXIST) {
            throw std::runtime_error("cannot create " + file.string() + ": " +
                                     std::strerror(errno));
        }
        fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC); // created concurrently: use theirs
    }
    if (fd < 0) {
        throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
    }
    const auto n = ::read(fd, key.data(), size);
    ::close(fd);
    if (n != static_cast<ssize_t>(size)) {
        throw std::runtime_error(file.string() + " is damaged (expected " + std::to_string(size) +
                                 " bytes); delete it to start with a new one");
    }
    return key;
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
