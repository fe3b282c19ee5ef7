// `localca backup DEST` and `localca restore SRC`: the data dir as one consistent unit — the
// database through SQLite's online backup API (safe while the server runs), plus the key files,
// the developer-mode passphrase and the EnOS token key, with their modes.
#include "storage/backup.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/data_dir.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <iostream>
#include <stdexcept>

namespace localca::tools {

namespace {

namespace fs = std::filesystem;

bool empty_or_missing(const fs::path& dir) {
    return !fs::exists(dir) || (fs::is_directory(dir) && fs::is_empty(dir));
}

void fsync_path(const fs::path& p) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Copies the files of the data dir that are not the database, keeping permissions.
void copy_secrets(const fs::path& from, const fs::path& to) {
    fs::create_directories(to / "ca");
    fs::permissions(to, fs::perms::owner_all, fs::perm_options::replace);
    fs::permissions(to / "ca", fs::perms::owner_all, fs::perm_options::replace);
    for (const auto& entry : fs::directory_iterator(from / "ca")) {
        if (entry.is_regular_file()) {
            fs::copy_file(entry.path(), to / "ca" / entry.path().filename());
            fsync_path(to / "ca" / entry.path().filename());
        }
    }
    if (fs::exists(from / "enos-token.key")) {
        fs::copy_file(from / "enos-token.key", to / "enos-token.key");
        fsync_path(to / "enos-token.key");
    }
}

std::string data_dir_arg(const arguments& args) {
    const auto* dir = args.get("--data-dir");
    if (!dir || dir->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    return *dir;
}

// These commands copy an SQLite data dir. On PostgreSQL half of the state is the server's: copying
// only the node's files would look like a backup and not be one, so they refuse and say what to
// use instead.
void refuse_postgres(const char* command) {
    if (storage_options(".").backend == storage::backend::postgres) {
        throw std::runtime_error(
            std::string(command) +
            ": the database is PostgreSQL (storage.backend); back it up with pg_dump and restore "
            "with pg_restore or psql (docs/scale-out.md, \"Backup\"); this command copies an "
            "SQLite data dir only");
    }
}

} // namespace

int cmd_backup(const arguments& args) {
    if (args.positional.size() != 1) {
        throw std::invalid_argument("backup needs the DEST argument");
    }
    refuse_postgres("backup");
    const fs::path dir = data_dir_arg(args);
    const fs::path dest = args.positional[0];
    if (!fs::exists(database_path(dir))) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    if (!empty_or_missing(dest)) {
        throw std::runtime_error("backup destination " + dest.string() + " is not empty");
    }
    copy_secrets(dir, dest);
    storage::backup_database(database_path(dir), database_path(dest));
    fsync_path(dest);
    std::cout << "backed up " << dir.string() << " to " << dest.string()
              << " (database snapshot and key files)\n";
    return 0;
}

int cmd_restore(const arguments& args) {
    if (args.positional.size() != 1) {
        throw std::invalid_argument("restore needs the SRC argument");
    }
    refuse_postgres("restore");
    const fs::path dir = data_dir_arg(args);
    const fs::path src = args.positional[0];
    if (!fs::exists(database_path(src)) || !fs::exists(src / "ca")) {
        throw std::runtime_error(src.string() + " is not a localca backup");
    }
    if (!empty_or_missing(dir)) {
        throw std::runtime_error("refusing to restore into " + dir.string() +
                                 ": it is not empty (restore into a new or empty dir)");
    }
    copy_secrets(src, dir);
    fs::copy_file(database_path(src), database_path(dir));
    fsync_path(database_path(dir));
    fsync_path(dir);
    std::cout << "restored " << src.string() << " into " << dir.string() << "\n";
    return 0;
}

} // namespace localca::tools
