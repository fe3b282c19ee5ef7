#pragma once
// The `localca` command line: subcommands init, serve, seed; --help on each; --version.
#include <map>
#include <string>
#include <vector>

namespace localca::tools {

// Parsed "--name value" / "--flag" options and positional arguments of one subcommand.
struct arguments {
    std::map<std::string, std::string> options; // "--data-dir" -> "DIR"; flags -> ""
    std::vector<std::string> positional;

    bool has(const std::string& name) const { return options.count(name) != 0; }
    const std::string* get(const std::string& name) const;
};

// Entry point: returns the process exit code (0 ok, 1 failure, 2 usage error).
int run_cli(int argc, char** argv);

int cmd_init(const arguments& args);
int cmd_serve(const arguments& args);
int cmd_seed(const arguments& args);
int cmd_backup(const arguments& args);
int cmd_restore(const arguments& args);
int cmd_emca(const arguments& args); // officer actions: pending | approve | reject
int cmd_audit(const arguments& args); // audit log: verify | tail
int cmd_rotate_passphrase(const arguments& args);
int cmd_revoke(const arguments& args); // bulk revocation (revoke.cpp)
int cmd_admin(const arguments& args); // operator API tokens: admin token create|list|revoke
int cmd_lab(const arguments& args);   // lab mode: clock advance|set|reset|show (lab.cpp)
int cmd_cert(const arguments& args);  // mkcert-style local certificates (local_cert.cpp)
int cmd_trust(const arguments& args); // roots into the system trust stores (trust.cpp)
int cmd_migrate(const arguments& args); // SQLite data dir -> PostgreSQL (migrate.cpp)

} // namespace localca::tools
