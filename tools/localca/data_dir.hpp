#pragma once
// The data directory:
//   <dir>/localca.db          SQLite database (WAL: also localca.db-wal, localca.db-shm)
//   <dir>/ca/rsa.key.pem      encrypted PKCS#8 private keys (0600)
//   <dir>/ca/ecc.key.pem
//   <dir>/ca/rsa.crt.pem      root certificates (copies of the database rows, for convenience)
//   <dir>/ca/ecc.crt.pem
//   <dir>/ca/passphrase       developer mode only: random key passphrase (0600), absent when
//                             $LOCALCA_CA_PASSPHRASE is used
//   <dir>/localca.lock        held (flock) by the running server
//   <dir>/enos-token.key      random HMAC key of EnOS access tokens (0600), so tokens survive
//                             a restart
#include "ca/clock.hpp"
#include "storage/options.hpp"

#include <filesystem>
#include <memory>
#include <vector>

namespace localca::tools {

std::filesystem::path database_path(const std::filesystem::path& dir);

// The wall clock every command on the data dir decides by (the server's engine, the CLI's
// writes): one place, so that the lab's time travel (an offset clock kept with the data dir)
// reaches the server and the CLI alike: shifted by the stored offset in lab mode.
std::shared_ptr<const ca::clock> clock_of(const std::filesystem::path& dir);

// Storage options for the data dir, on top of `base` (backend, durability, batching from the
// config): SQLite's file is DIR/localca.db; PostgreSQL's database is base.postgres.url.
storage::options storage_options(const std::filesystem::path& dir, storage::options base);
// The same on top of the storage section of the command's --config file (set_command_storage),
// or the defaults (SQLite) when it has none.
storage::options storage_options(const std::filesystem::path& dir);
// The CLI sets this once, from --config, before a command runs: every command that touches the
// database then opens the configured backend, also in code that only knows the data dir.
void set_command_storage(const storage::options& base);

// Whether DIR's database exists and has been initialised: SQLite, DIR/localca.db exists;
// PostgreSQL, the configured database has LocalCA's schema (a connection failure throws).
bool database_initialised(const std::filesystem::path& dir);

// The contents of a secret file of `size` random bytes, created (mode 0600, O_EXCL) if missing.
std::vector<unsigned char> load_or_create_secret(const std::filesystem::path& file,
                                                 std::size_t size);

// An exclusive lock on <dir>/localca.lock, held for the object's life. The kernel drops it when
// the process dies, so a crashed server never blocks the next start.
class data_dir_lock {
public:
    // Throws std::runtime_error("another localca server is already running on data dir ...")
    // when the lock is held.
    explicit data_dir_lock(const std::filesystem::path& dir);
    ~data_dir_lock();
    data_dir_lock(const data_dir_lock&) = delete;
    data_dir_lock& operator=(const data_dir_lock&) = delete;

private:
    int m_fd = -1;
};

} // namespace localca::tools
