#include "tools/localca/cli.hpp"

#include "tools/localca/config.hpp"
#include "tools/localca/data_dir.hpp"

#include "tools/localca/apis.hpp"

#include <cstring>
#include <iostream>
#include <set>
#include <stdexcept>

namespace localca::tools {

namespace {

constexpr const char* k_usage = R"(usage: localca <command> [options]

LocalCA: a self-contained local certificate authority server.

commands:
  init    create the database and both CA authorities in a data dir
  serve   serve the HTTP APIs (initialises an empty data dir first)
  seed    upsert fixtures (orgs, apps, products, devices) from a JSON file
  backup  consistent copy of a data dir (safe while the server runs)
  restore restore a backup into a new or empty data dir
  emca    officer actions on emCA requests held for manual authorization
  audit   verify the tamper-evident audit log, or print its last entries
  revoke  bulk revocation: every live certificate of an org, product, device, account, user, profile or serial range
  admin   operator API tokens: admin token create|list|revoke
  rotate-passphrase  re-encrypt the CA keys and stored secrets under a new passphrase
  lab     lab mode: move the CA's clock (time travel), fault rules
  cert    mkcert-style certificate and key for local names, from the LocalCA roots
  trust   install the LocalCA roots into the system, NSS and Java trust stores (or remove them)
  migrate copy an SQLite data dir into an empty PostgreSQL database (scale-out)

  localca <command> --help   shows the options of a command
  localca --version          prints the version
)";

constexpr const char* k_init_help = R"(usage: localca init --data-dir DIR [--config FILE]

Creates DIR (if needed), the SQLite database and both authorities (RSA-2048 and P-256 roots,
keys as encrypted PKCS#8 files). The key passphrase is $LOCALCA_CA_PASSPHRASE, or when unset a
random DIR/ca/passphrase file (developer mode). On an initialised dir it changes nothing.

options:
  --data-dir DIR     data directory (required)
  --config FILE      JSON config (CA subjects and validity are read from it)
)";

constexpr const char* k_serve_help =
    R"(usage: localca serve --data-dir DIR [--listen HOST:PORT] [--tls-listen HOST:PORT]
                     [--config FILE]

Initialises DIR if it is empty, then serves until SIGINT or SIGTERM: it then stops accepting,
finishes in-flight requests and exits 0. Only one server may run on a data dir.

options:
  --data-dir DIR            data directory (required)
  --config FILE             JSON config (see README, "Configuration")
  --listen HOST:PORT        overrides "listen" (default 127.0.0.1:8080; "" = no plain HTTP)
  --tls-listen HOST:PORT    overrides "tls.listen" (HTTPS; needs tls.certFile/keyFile or tls.auto)
  --public-base-url URL     overrides "publicBaseUrl" (default http://<listen>)
  --log-level LEVEL         overrides "logLevel": debug, info, warn, error
  --worker-threads N        overrides "workerThreads" (0 = one per core)
)";

constexpr const char* k_seed_help = R"(usage: localca seed FILE --data-dir DIR

Upserts the fixtures of FILE in one transaction: running it twice changes nothing. An invalid
file exits non-zero, names the JSON path of the first problem and writes nothing.

options:
  --data-dir DIR     data directory (required; initialised if empty)
  --config FILE      JSON config (used when the dir must be initialised)
)";

constexpr const char* k_emca_help = R"(usage: localca emca pending --data-dir DIR
       localca emca approve REQUESTID --data-dir DIR
       localca emca reject REQUESTID --data-dir DIR

Officer actions on emCA certificate requests whose profile has manual authorization. `pending`
lists them (requestId, user, CSR id, profile, subject); `approve` issues the certificate with the
request's profile, validity and validFrom; `reject` refuses it. Works while the server runs.

options:
  --data-dir DIR     data directory (required)
  --config FILE      JSON config (publicBaseUrl for the certificate's CRL URL)
)";

constexpr const char* k_migrate_help = R"(usage: localca migrate --data-dir DIR --to postgres://USER@HOST/DB

Copies an SQLite data dir into an empty PostgreSQL database (docs/scale-out.md, "Moving up"):
every table (certificates, the serial sequence, the audit chain, EnOS, Foundry and emCA state,
admin tokens), then the CA keys, roots and EnOS token key into the database's shared keys. Then
verifies the copy: row counts of every table, the serial high-water mark, the audit chain. DIR is
only read (its lock is held: stop its server first). A target that already has LocalCA's tables
is refused. Needs $LOCALCA_CA_PASSPHRASE (the keys' passphrase; for a developer-mode dir, the
content of DIR/ca/passphrase): PostgreSQL nodes read it from the environment.

options:
  --data-dir DIR     the SQLite data dir to copy (required)
  --to URL           libpq URI of the empty target database (required)
)";

constexpr const char* k_backup_help = R"(usage: localca backup DEST --data-dir DIR

Writes a consistent copy of DIR to DEST (a new or empty dir): the database through SQLite's
online backup API — safe while the server runs, one snapshot — plus the CA key files, the
developer-mode passphrase file and the EnOS token key. Outside developer mode, keep the
passphrase ($LOCALCA_CA_PASSPHRASE) with the backup: the keys are encrypted under it.

options:
  --data-dir DIR     data directory to back up (required)
)";

constexpr const char* k_restore_help = R"(usage: localca restore SRC --data-dir DIR

Restores a backup made by `localca backup` into DIR, which must not exist or be empty
(a restore never overwrites a data dir). Start the server on DIR afterwards.

options:
  --data-dir DIR     data directory to create (required; new or empty)
)";

constexpr const char* k_audit_help = R"(usage: localca audit verify --data-dir DIR
       localca audit tail [-n N] --data-dir DIR

The audit log records every issuance, renewal, revocation, emCA approval, failed
authentication, seed load and server start/stop as a hash chain, each entry written in the
same transaction as its change. `verify` checks the whole chain and exits 1 naming the first
entry that does not verify; `tail` prints the last N entries (default 10) as JSON lines.
Works while the server runs.

options:
  --data-dir DIR     data directory (required)
  -n N               number of entries for tail (default 10)
)";

constexpr const char* k_rotate_help =
    R"(usage: LOCALCA_NEW_CA_PASSPHRASE=NEW localca rotate-passphrase --data-dir DIR

With the server stopped, re-encrypts both CA key files and re-wraps the sealing key of the
secrets stored in the database (EnOS app secrets, emCA AES keys) from the current passphrase
($LOCALCA_CA_PASSPHRASE, or the developer-mode DIR/ca/passphrase file, which is then removed) to
$LOCALCA_NEW_CA_PASSPHRASE. What is already under the new passphrase is left alone, so an
interrupted rotation is finished by running the same command again. Afterwards start the server
with LOCALCA_CA_PASSPHRASE=NEW.

options:
  --data-dir DIR     data directory (required)
)";

constexpr const char* k_revoke_help =
    R"(usage: localca revoke --data-dir DIR --reason R [--org O] [--product P] [--device D]
       [--account A] [--foundry-device D] [--user U] [--profile P] [--authority RSA|ECC]
       [--serial-from N] [--serial-to N]

Revokes every live certificate the filter selects (all given keys must match: EnOS org, product,
device; Foundry account, device; emCA user, profile; authority; serial range, inclusive) with one
reason (RFC 5280 name such as keyCompromise, or its code). In batches of 200, each committed with
one audit entry per certificate: an interrupted run is finished by running it again. Works while
the server runs; its CRLs include the revocations at the next fetch.
)";

constexpr const char* k_admin_help =
    R"(usage: localca admin token create --name N --role viewer|operator --data-dir DIR
       localca admin token list --data-dir DIR
       localca admin token revoke NAME --data-dir DIR

Tokens of the operator API (/admin/v1, docs/admin-api.md). `create` prints a new random token
once; only its SHA-256 is stored. `viewer` reads; `operator` also revokes certificates and
approves or rejects emCA requests. Works while the server runs: changes apply at once.

options:
  --data-dir DIR     data directory (required)
  --name N           token name (create)
  --role ROLE        viewer or operator (create)
)";

constexpr const char* k_lab_help =
    R"(usage: localca lab clock advance DURATION --data-dir DIR    (30d, 12h, 90m, 45s; -1d goes back)
       localca lab clock set RFC3339 --data-dir DIR         (e.g. 2027-01-01T00:00:00Z)
       localca lab clock reset --data-dir DIR
       localca lab clock show --data-dir DIR
       localca lab faults add --rule JSON [--server HOST:PORT] [--token T]
       localca lab faults list|clear [--server HOST:PORT] [--token T]
       localca lab snapshot NAME|restore NAME|snapshots|reset --data-dir DIR

Lab mode only ("lab": {"enabled": true} in the config; refused otherwise).
clock: moves the clock the CA decides by. The offset is stored in the data dir, so a running
server follows it within a second and it survives restarts until reset. Prints
{"now":..., "offsetSeconds":N}. Audited.
faults: fault rules live in the running server's memory: these talk to it over HTTP
(/lab/v1/faults) with an operator admin token, and print its JSON answer. Audited.
See docs/lab.md.

options:
  --data-dir DIR     data directory (clock: required)
  --config FILE      the server's config (else the switch of the data dir's last server start)
  --rule JSON        faults add: the rule, e.g. {"api":"enos","operation":"apply",
                     "effect":{"httpStatus":503},"times":2}
  --server HOST:PORT faults: the server's plain HTTP listener (default 127.0.0.1:8080)
  --token T          faults: an operator admin token (default: $LOCALCA_ADMIN_TOKEN)
)";

constexpr const char* k_cert_help =
    R"(usage: localca cert NAME... --data-dir DIR [--ecdsa] [--client] [--p12] [--out-dir D]
                                             [--days N]

Issues a certificate for the NAMEs (DNS names, IP addresses, e-mail addresses, URIs) with a new
key, like mkcert: stored, audited and revocable like every LocalCA certificate. Writes
NAME+N.pem and NAME+N-key.pem (0600; N = number of further names, omitted when 0), or with
--p12 NAME+N.p12 (password "changeit"). Works with or without the server running.

options:
  --data-dir DIR     data directory (required; initialised if empty)
  --ecdsa            P-256 key from the ECC root (default RSA-2048 from the RSA root)
  --client           clientAuth instead of serverAuth
  --p12              a PKCS#12 file instead of PEM files
  --out-dir D        where to write the files (default: the current directory)
  --days N           validity in days (default 825, capped by the root's notAfter)
  --config FILE      JSON config (publicBaseUrl for the CRL URL)
)";

constexpr const char* k_trust_help =
    R"(usage: localca trust install|uninstall|status --data-dir DIR [--ecc|--rsa]

install: puts the LocalCA roots (both by default) into the system store
(/usr/local/share/ca-certificates/localca-*.crt + update-ca-certificates), the NSS database that
Chromium and Firefox read ($HOME/.pki/nssdb, with certutil from libnss3-tools, when present) and
Java's cacerts (keytool, when present). uninstall takes them out again; status says where they
are. Needs the rights to write those stores (root for the system store).

options:
  --data-dir DIR     data directory (required)
  --rsa | --ecc      only that root
)";

struct command {
    const char* name;
    const char* help;
    std::set<std::string> value_options; // options that take a value
    std::size_t max_positional;
    int (*run)(const arguments&);
    std::set<std::string> flags{}; // options without a value
};

const command k_commands[] = {
    {"init", k_init_help, {"--data-dir", "--config"}, 0, cmd_init},
    {"serve",
     k_serve_help,
     {"--data-dir", "--config", "--listen", "--tls-listen", "--public-base-url", "--log-level",
      "--worker-threads"},
     0,
     cmd_serve},
    {"seed", k_seed_help, {"--data-dir", "--config"}, 1, cmd_seed},
    {"backup", k_backup_help, {"--data-dir", "--config"}, 1, cmd_backup},
    {"restore", k_restore_help, {"--data-dir", "--config"}, 1, cmd_restore},
    {"emca", k_emca_help, {"--data-dir", "--config"}, 2, cmd_emca},
    {"audit", k_audit_help, {"--data-dir", "--config", "-n"}, 1, cmd_audit},
    {"admin", k_admin_help, {"--data-dir", "--config", "--name", "--role"}, 3, cmd_admin},
    {"rotate-passphrase", k_rotate_help, {"--data-dir", "--config"}, 0, cmd_rotate_passphrase},
    {"revoke",
     k_revoke_help,
     {"--data-dir", "--config", "--reason", "--org", "--product", "--device", "--account",
      "--foundry-device", "--user", "--profile", "--authority", "--serial-from", "--serial-to"},
     0,
     cmd_revoke},
    {"lab", k_lab_help, {"--data-dir", "--config", "--rule", "--server", "--token"}, 4, cmd_lab},
    {"cert",
     k_cert_help,
     {"--data-dir", "--config", "--out-dir", "--days"},
     100,
     cmd_cert,
     {"--ecdsa", "--client", "--p12"}},
    {"migrate", k_migrate_help, {"--data-dir", "--to"}, 0, cmd_migrate},
    {"trust", k_trust_help, {"--data-dir", "--config"}, 1, cmd_trust, {"--rsa", "--ecc"}},
};

// Parses "--name value", "--name=value"; anything unknown is a usage error.
arguments parse(const command& cmd, int argc, char** argv) {
    arguments args;
    for (int i = 0; i < argc; ++i) {
        std::string a = argv[i];
        if (cmd.flags.count(a)) {
            args.options[a] = "";
            continue;
        }
        const bool short_option = a.size() == 2 && a[0] == '-' && cmd.value_options.count(a);
        if (a.rfind("--", 0) == 0 || short_option) {
            std::string value;
            bool inline_value = false;
            if (auto eq = a.find('='); eq != std::string::npos) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
                inline_value = true;
            }
            if (!cmd.value_options.count(a)) {
                throw std::invalid_argument("unknown option " + a);
            }
            if (!inline_value) {
                if (i + 1 >= argc) {
                    throw std::invalid_argument("option " + a + " needs a value");
                }
                value = argv[++i];
            }
            args.options[a] = value;
        } else {
            args.positional.push_back(a);
        }
    }
    if (args.positional.size() > cmd.max_positional) {
        throw std::invalid_argument("unexpected argument '" + args.positional[cmd.max_positional] +
                                    "'");
    }
    return args;
}

} // namespace

const std::string* arguments::get(const std::string& name) const {
    auto it = options.find(name);
    return it == options.end() ? nullptr : &it->second;
}

int run_cli(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
        !std::strcmp(argv[1], "help")) {
        std::cout << k_usage;
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::cout << "localca " << LOCALCA_VERSION << "\n";
        return 0;
    }
    for (const auto& cmd : k_commands) {
        if (std::strcmp(argv[1], cmd.name) != 0) {
            continue;
        }
        for (int i = 2; i < argc; ++i) {
            if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
                std::cout << cmd.help;
                return 0;
            }
        }
        arguments args;
        try {
            args = parse(cmd, argc - 2, argv + 2);
        } catch (const std::invalid_argument& e) {
            std::cerr << "localca " << cmd.name << ": " << e.what() << "\n\n" << cmd.help;
            return 2;
        }
        try {
            register_apis_with_core();
            // Every command opens the database the config names (storage.backend): also code
            // that only knows the data dir (tools/localca/data_dir.hpp).
            if (const auto* file = args.get("--config")) {
                set_command_storage(load_config(*file).storage);
            }
            return cmd.run(args);
        } catch (const std::exception& e) {
            std::cerr << "localca " << cmd.name << ": " << e.what() << "\n";
            return 1;
        }
    }
    std::cerr << "localca: unknown command '" << argv[1] << "'\n\n" << k_usage;
    return 2;
}

} // namespace localca::tools
