// engine::initialize: a data dir's CA folder, passphrase and both authorities, creating only what
// is missing.
#include "ca/engine.hpp"

#include "ca/crl.hpp"
#include "ca/engine_detail.hpp"
#include "ca/key_store.hpp"
#include "ca/unix_time.hpp"
#include "storage/authority_repository.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>

namespace localca::ca {

namespace {

const authority_options& options_of(const options& opts, authority_kind kind) {
    return kind == authority_kind::rsa ? opts.rsa : opts.ecc;
}

void write_cert_file(const std::filesystem::path& path, const std::string& pem) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pem;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

// Creates <data_dir>/ca with mode 0700 (never wider, whatever the umask). Returns true if created.
bool make_ca_dir(const std::filesystem::path& ca_dir) {
    std::filesystem::create_directories(ca_dir.parent_path());
    if (::mkdir(ca_dir.c_str(), 0700) == 0) {
        return true;
    }
    const int err = errno;
    if (err != EEXIST) {
        throw std::runtime_error("cannot create " + ca_dir.string() + ": " + std::strerror(err));
    }
    if (!std::filesystem::is_directory(ca_dir)) {
        throw std::runtime_error(ca_dir.string() + " exists and is not a directory");
    }
    return false;
}

} // namespace

using engine_detail::k_kinds;
using engine_detail::now_seconds;
using engine_detail::stem_of;

bool engine::initialize(const std::filesystem::path& data_dir, storage::store& store,
                        const options& opts, const ca::clock& clk) {
    const auto ca_dir = data_dir / "ca";
    bool created = make_ca_dir(ca_dir);
    const key_store keys(ca_dir);

    // First pass: what exists, and refuse half-present authorities rather than replace a key or
    // a root that certificates may already chain to.
    std::vector<authority_kind> missing;
    bool any_key = false;
    for (const auto kind : k_kinds) {
        const bool has_key = keys.exists(stem_of(kind));
        const bool has_row = storage::find_authority(store.reader(), to_string(kind)).has_value();
        any_key = any_key || has_key;
        if (has_key && !has_row) {
            throw std::runtime_error(std::string("the ") + to_string(kind) + " authority's key " +
                                     keys.key_path(stem_of(kind)).string() +
                                     " exists but the database has no " + to_string(kind) +
                                     " root; refusing to replace it (restore the database, or move "
                                     "the key away to create a new authority)");
        }
        if (!has_key && has_row) {
            throw std::runtime_error(std::string("the database has a ") + to_string(kind) +
                                     " root but its key " + keys.key_path(stem_of(kind)).string() +
                                     " is missing; refusing to replace the authority (restore "
                                     "the key file)");
        }
        if (!has_key) {
            missing.push_back(kind);
        }
    }

    if (!missing.empty()) {
        // A new passphrase file only for a fresh data dir: keys already made are encrypted under
        // the existing passphrase, which must then be available.
        const char* env = std::getenv("LOCALCA_CA_PASSPHRASE");
        const bool env_set = env != nullptr && *env != '\0';
        const bool had_file = std::filesystem::exists(ca_dir / "passphrase");
        const std::string pass = keys.passphrase(!any_key);
        created = created || (!env_set && !had_file);

        for (const auto kind : missing) {
            const auto a = authority::create(kind, options_of(opts, kind), thread_rng(), clk.now());
            // Key first: should we die before the row is committed, the next init reports the
            // orphan key instead of silently creating a second root.
            keys.save(stem_of(kind), a.key(), pass);
            const auto now = now_seconds(clk);
            storage::authority_row row;
            row.name = to_string(kind);
            row.cert_der = a.cert().BER_encode();
            row.crl_number = 1;
            row.crl_der = build_crl(a, {}, 1, now, opts.crl_next_update);
            row.crl_this_update = unix_seconds(now);
            try {
                store.writer().run([&row](storage::connection& db) {
                    // insert_authority ignores an existing name: another process may have won.
                    if (storage::find_authority(db, row.name)) {
                        throw std::runtime_error("the " + row.name +
                                                 " authority was created concurrently");
                    }
                    storage::insert_authority(db, row);
                });
            } catch (...) {
                std::error_code ec;
                std::filesystem::remove(keys.key_path(stem_of(kind)), ec);
                throw;
            }
            write_cert_file(ca_dir / (stem_of(kind) + ".crt.pem"), a.cert_pem());
            created = true;
        }
    }

    // The convenience copies of the roots, restored if deleted.
    for (const auto kind : k_kinds) {
        const auto path = ca_dir / (stem_of(kind) + ".crt.pem");
        if (!std::filesystem::exists(path)) {
            const auto row = storage::find_authority(store.reader(), to_string(kind));
            write_cert_file(path, Botan::X509_Certificate(row->cert_der).PEM_encode());
            created = true;
        }
    }
    return created;
}

} // namespace localca::ca
