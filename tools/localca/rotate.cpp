// `localca rotate-passphrase`: moves the CA keys and the sealing key of the secrets at rest from
// the current passphrase to $LOCALCA_NEW_CA_PASSPHRASE in one command.
#include "ca/audit.hpp"
#include "ca/key_store.hpp"
#include "ca/sealing_key.hpp"
#include "storage/store.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/data_dir.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

namespace localca::tools {

namespace {

constexpr const char* k_new_passphrase_env = "LOCALCA_NEW_CA_PASSPHRASE";

// The key files of both authorities (ca::engine names them so).
constexpr const char* k_key_names[] = {"rsa", "ecc"};

} // namespace

int cmd_rotate_passphrase(const arguments& args) {
    const auto* dir_arg = args.get("--data-dir");
    if (!dir_arg || dir_arg->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    const std::filesystem::path dir = *dir_arg;
    const char* fresh_env = std::getenv(k_new_passphrase_env);
    if (fresh_env == nullptr || *fresh_env == '\0') {
        throw std::runtime_error(std::string("set ") + k_new_passphrase_env +
                                 " to the new passphrase");
    }
    const std::string fresh = fresh_env;
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    // A running server holds the old keys and would go on with them: it must be stopped.
    data_dir_lock lock(dir);
    const ca::key_store keys(dir / "ca");
    const std::string old = keys.passphrase(false);
    if (old == fresh) {
        throw std::runtime_error("the new passphrase is the current one");
    }

    // Each step is done under the new passphrase or skipped if it already is, so that a rotation
    // interrupted halfway (or begun by hand with `openssl pkcs8`) is finished by running it again
    // with the same two passphrases.
    storage::store store(storage_options(dir));
    int rewritten = ca::rewrap_sealing_key(store, old, fresh) ? 1 : 0;
    for (const char* name : k_key_names) {
        rewritten += keys.reencrypt(name, old, fresh) ? 1 : 0;
    }
    ca::audit_event e;
    e.actor = "cli";
    e.action = "rotate-passphrase";
    ca::record_audit(store, e, *clock_of(dir));
    store.writer().stop();

    // Developer mode: the file holds the old passphrase, useless now; the new one is the caller's.
    const auto file = dir / "ca" / "passphrase";
    const bool removed = std::filesystem::remove(file);
    std::cout << "rotated the passphrase of " << dir.string() << " (" << rewritten
              << " of 3 items rewritten, the others already were)"
              << (removed ? "; removed the developer-mode passphrase file" : "")
              << "\nstart the server with LOCALCA_CA_PASSPHRASE set to the new passphrase\n";
    return 0;
}

} // namespace localca::tools
