// `localca trust install|uninstall|status`: the LocalCA roots in the trust stores of this
// machine, like `mkcert -install` (docs/lab.md). The stores are changed by their own tools
// (update-ca-certificates, certutil, keytool), run without a shell so no path is interpreted.
#include "ca/fingerprint.hpp"
#include "storage/authority_repository.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/data_dir.hpp"

#include <botan/hex.h>
#include <botan/pem.h>

#include "storage/connection.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace localca::tools {

namespace {

const std::filesystem::path k_system_dir = "/usr/local/share/ca-certificates";
// Java's cacerts ships with this password; keytool needs it even to list.
constexpr const char* k_java_password = "changeit";

struct root {
    std::string kind;     // "rsa" | "ecc"
    std::string nickname; // localca-rsa-<first 8 hex of the SHA-256>: unique per data dir
    std::string pem;
    std::string sha256;
};

std::optional<std::filesystem::path> find_program(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= p.size()) {
        const auto end = p.find(':', start);
        const auto dir =
            p.substr(start, end == std::string::npos ? std::string::npos : end - start);
        const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name;
        if (::access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return std::nullopt;
}

// Runs the program with its output discarded; returns its exit status (-1 if it did not run).
int run(const std::vector<std::string>& argv) {
    std::vector<char*> cargv;
    for (const auto& a : argv) {
        cargv.push_back(const_cast<char*>(a.c_str()));
    }
    cargv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        return -1;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::vector<root> roots_of(const std::filesystem::path& dir, bool rsa, bool ecc) {
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    const auto conn = storage::open_connection(storage_options(dir));
    auto& db = *conn;
    std::vector<root> out;
    for (const auto& [kind, name, wanted] :
         {std::tuple{"rsa", "RSA", rsa}, std::tuple{"ecc", "ECC", ecc}}) {
        if (!wanted) {
            continue;
        }
        const auto row = storage::find_authority(db, name);
        if (!row) {
            throw std::runtime_error(std::string("the ") + name + " root is missing in " +
                                     dir.string());
        }
        root r;
        r.kind = kind;
        r.sha256 = Botan::hex_encode(ca::sha256(row->cert_der.data(), row->cert_der.size()), false);
        r.nickname = std::string("localca-") + kind + "-" + r.sha256.substr(0, 8);
        r.pem = Botan::PEM_Code::encode(row->cert_der, "CERTIFICATE");
        out.push_back(std::move(r));
    }
    return out;
}

std::filesystem::path system_file(const root& r) {
    return k_system_dir / (r.nickname + ".crt");
}

// The NSS databases: Chromium's (and NSS tools') $HOME/.pki/nssdb, and each Firefox profile.
std::vector<std::filesystem::path> nss_databases() {
    std::vector<std::filesystem::path> out;
    const char* home = std::getenv("HOME");
    if (!home) {
        return out;
    }
    const std::filesystem::path pki = std::filesystem::path(home) / ".pki" / "nssdb";
    if (std::filesystem::exists(pki / "cert9.db")) {
        out.push_back(pki);
    }
    const std::filesystem::path firefox = std::filesystem::path(home) / ".mozilla" / "firefox";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(firefox, ec)) {
        if (std::filesystem::exists(e.path() / "cert9.db")) {
            out.push_back(e.path());
        }
    }
    return out;
}

struct temp_file {
    std::filesystem::path path;
    temp_file(const std::string& name, const std::string& data)
        : path(std::filesystem::temp_directory_path() /
               (name + "-" + std::to_string(::getpid()) + ".crt")) {
        std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
    }
    ~temp_file() {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
};

bool in_nss(const std::filesystem::path& certutil, const std::filesystem::path& db, const root& r) {
    return run({certutil.string(), "-d", "sql:" + db.string(), "-L", "-n", r.nickname}) == 0;
}

// Ours, and the one Debian's ca-certificates-java hook makes from the system store's copy.
std::vector<std::string> java_aliases(const root& r) {
    return {r.nickname, "debian:" + r.nickname + ".pem"};
}

bool in_java(const std::filesystem::path& keytool, const root& r) {
    for (const auto& alias : java_aliases(r)) {
        if (run({keytool.string(), "-list", "-cacerts", "-storepass", k_java_password, "-alias",
                 alias}) == 0) {
            return true;
        }
    }
    return false;
}

} // namespace

int cmd_trust(const arguments& args) {
    if (args.positional.size() != 1 ||
        (args.positional[0] != "install" && args.positional[0] != "uninstall" &&
         args.positional[0] != "status")) {
        throw std::invalid_argument("usage: localca trust install|uninstall|status --data-dir DIR "
                                    "[--rsa|--ecc]");
    }
    const auto* dir = args.get("--data-dir");
    if (!dir || dir->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    const bool only_rsa = args.has("--rsa"), only_ecc = args.has("--ecc");
    const auto roots = roots_of(*dir, only_rsa || !only_ecc, only_ecc || !only_rsa);
    const auto& action = args.positional[0];
    const auto certutil = find_program("certutil");
    const auto keytool = find_program("keytool");
    const auto update = find_program("update-ca-certificates");
    int failures = 0;

    if (action == "status") {
        for (const auto& r : roots) {
            std::cout << r.nickname << " (SHA-256 " << r.sha256 << "):\n";
            const auto file = system_file(r);
            std::cout << "  system store: "
                      << (std::filesystem::exists(file) ? "installed (" + file.string() + ")"
                                                        : std::string("not installed"))
                      << "\n";
            if (!certutil) {
                std::cout << "  NSS: certutil not found (apt-get install libnss3-tools)\n";
            } else {
                const auto dbs = nss_databases();
                if (dbs.empty()) {
                    std::cout << "  NSS: no database ($HOME/.pki/nssdb or a Firefox profile)\n";
                }
                for (const auto& db : dbs) {
                    std::cout << "  NSS " << db.string() << ": "
                              << (in_nss(*certutil, db, r) ? "installed" : "not installed") << "\n";
                }
            }
            std::cout << "  Java cacerts: "
                      << (!keytool               ? "keytool not found"
                          : in_java(*keytool, r) ? "installed"
                                                 : "not installed")
                      << "\n";
        }
        return 0;
    }

    const bool install = action == "install";
    bool system_changed = false;
    for (const auto& r : roots) {
        const auto file = system_file(r);
        std::error_code ec;
        if (install) {
            std::filesystem::create_directories(k_system_dir, ec);
            std::ofstream out(file, std::ios::binary | std::ios::trunc);
            out << r.pem;
            out.close();
            if (!out) {
                std::cerr << "localca trust: cannot write " << file.string()
                          << " (run as root for the system store)\n";
                ++failures;
            } else {
                std::filesystem::permissions(file, std::filesystem::perms(0644),
                                             std::filesystem::perm_options::replace, ec);
                std::cout << r.nickname << ": system store (" << file.string() << ")\n";
                system_changed = true;
            }
        } else if (std::filesystem::exists(file)) {
            if (std::filesystem::remove(file, ec)) {
                std::cout << r.nickname << ": removed from the system store\n";
                system_changed = true;
            } else {
                std::cerr << "localca trust: cannot remove " << file.string() << ": "
                          << ec.message() << "\n";
                ++failures;
            }
        }
        if (certutil) {
            for (const auto& db : nss_databases()) {
                if (install) {
                    const temp_file pem(r.nickname, r.pem);
                    const int rc = run({certutil->string(), "-d", "sql:" + db.string(), "-A", "-t",
                                        "C,,", "-n", r.nickname, "-i", pem.path.string()});
                    std::cout << r.nickname << ": NSS " << db.string() << (rc == 0 ? "" : " FAILED")
                              << "\n";
                    failures += rc != 0;
                } else {
                    bool removed = false;
                    while (in_nss(*certutil, db, r) &&
                           run({certutil->string(), "-d", "sql:" + db.string(), "-D", "-n",
                                r.nickname}) == 0) {
                        removed = true;
                    }
                    if (removed) {
                        std::cout << r.nickname << ": removed from NSS " << db.string() << "\n";
                    }
                }
            }
        }
        if (keytool) {
            const bool present = in_java(*keytool, r);
            if (install && !present) {
                const temp_file pem(r.nickname, r.pem);
                const int rc =
                    run({keytool->string(), "-importcert", "-noprompt", "-cacerts", "-storepass",
                         k_java_password, "-alias", r.nickname, "-file", pem.path.string()});
                std::cout << r.nickname << ": Java cacerts" << (rc == 0 ? "" : " FAILED") << "\n";
                failures += rc != 0;
            } else if (install) {
                std::cout << r.nickname << ": Java cacerts (already there)\n";
            }
        }
    }
    if (system_changed) {
        // Removing: --fresh, because a plain run notices neither a deleted local certificate
        // (its /etc/ssl/certs links stay and its hooks, e.g. Java's, hear nothing) nor its
        // orphaned hash links unless something else changed too.
        std::vector<std::string> cmd{update ? update->string() : "update-ca-certificates"};
        if (!install) {
            cmd.push_back("--fresh");
        }
        if (!update || run(cmd) != 0) {
            std::cerr << "localca trust: update-ca-certificates failed or is missing\n";
            ++failures;
        }
    }
    if (keytool && !install) {
        // After update-ca-certificates: Debian's ca-certificates-java hook copies the system
        // store into cacerts as "debian:<file>.pem" and does not take a deleted one out.
        for (const auto& r : roots) {
            for (const auto& alias : java_aliases(r)) {
                if (run({keytool->string(), "-list", "-cacerts", "-storepass", k_java_password,
                         "-alias", alias}) != 0) {
                    continue;
                }
                const int rc = run({keytool->string(), "-delete", "-cacerts", "-storepass",
                                    k_java_password, "-alias", alias});
                std::cout << r.nickname << ": removed from Java cacerts (" << alias << ")"
                          << (rc == 0 ? "" : " FAILED") << "\n";
                failures += rc != 0;
            }
        }
    }
    if (!certutil) {
        std::cout << "(certutil not found: NSS databases of Chromium/Firefox left alone; "
                     "apt-get install libnss3-tools)\n";
    }
    if (!keytool) {
        std::cout << "(keytool not found: Java's cacerts left alone)\n";
    }
    return failures == 0 ? 0 : 1;
}

} // namespace localca::tools
