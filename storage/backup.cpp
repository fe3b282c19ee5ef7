#include "storage/backup.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace localca::storage {

void backup_database(const std::filesystem::path& source,
                     const std::filesystem::path& destination) {
    if (std::filesystem::exists(destination)) {
        throw std::runtime_error(destination.string() + " already exists");
    }
    SQLite::Database src(source.string(), SQLite::OPEN_READONLY, 5000);
    {
        SQLite::Database dst(destination.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        SQLite::Backup backup(dst, src);
        // One step copies every page under a single read transaction: one snapshot. BUSY or
        // LOCKED (another connection mid-checkpoint) is retried briefly.
        for (int attempt = 0;; ++attempt) {
            const int rc = backup.executeStep(-1);
            if (rc == SQLITE_DONE) {
                break;
            }
            if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt > 200) {
                throw std::runtime_error("backup of " + source.string() + " failed (" +
                                         std::to_string(rc) + ")");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        // The copy is a plain rollback-journal file; the server switches it to WAL on open.
    }
    const int fd = ::open(destination.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::fsync(fd) != 0) {
        if (fd >= 0) {
            ::close(fd);
        }
        throw std::runtime_error("cannot fsync " + destination.string());
    }
    ::close(fd);
}

} // namespace localca::storage
