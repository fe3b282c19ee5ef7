// `localca admin token create|list|revoke`: the operator API's tokens (docs/admin-api.md).
#include "ca/admin/admin_token.hpp"
#include "ca/audit.hpp"
#include "storage/admin/token_repository.hpp"
#include "storage/store.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/data_dir.hpp"

#include <cctype>
#include <iostream>
#include <stdexcept>

namespace localca::tools {

namespace {

const char* k_admin_usage = "usage: localca admin token create --name N --role viewer|operator "
                            "--data-dir DIR\n       localca admin token list --data-dir DIR\n"
                            "       localca admin token revoke NAME --data-dir DIR";

bool valid_name(const std::string& n) {
    if (n.empty() || n.size() > 64) {
        return false;
    }
    for (const char c : n) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
            return false;
        }
    }
    return true;
}

} // namespace

int cmd_admin(const arguments& args) {
    const auto& pos = args.positional;
    if (pos.size() < 2 || pos[0] != "token" ||
        !(pos[1] == "create" || pos[1] == "list" || pos[1] == "revoke") ||
        (pos[1] == "revoke") != (pos.size() == 3)) {
        throw std::invalid_argument(k_admin_usage);
    }
    const auto* dir_arg = args.get("--data-dir");
    if (!dir_arg || dir_arg->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    const std::filesystem::path dir = *dir_arg;
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    // No data-dir lock: the server may be running. Our writes go through SQLite's locking (WAL,
    // busy timeout); the server reads admin_tokens per request, so a change applies at once.
    storage::store store(storage_options(dir));
    const auto clk = clock_of(dir);
    int code = 0;
    if (pos[1] == "list") {
        std::cout << "name\trole\tcreated\n";
        for (const auto& t : storage::admin::list_tokens(store.reader())) {
            std::cout << t.name << '\t' << t.role << '\t' << t.created_at << '\n';
        }
    } else if (pos[1] == "create") {
        const auto* name = args.get("--name");
        const auto* role_arg = args.get("--role");
        if (!name || !valid_name(*name)) {
            throw std::invalid_argument(
                "--name N is required (letters, digits, - _ ., at most 64)");
        }
        const auto role = role_arg ? ca::admin::parse_role(*role_arg) : std::nullopt;
        if (!role) {
            throw std::invalid_argument("--role must be viewer or operator");
        }
        const auto token = ca::admin::new_token();
        storage::admin::token_row row{*name, ca::admin::to_string(*role),
                                      ca::admin::token_digest(token), clk->now_unix()};
        bool created = false;
        store.writer().run([&](storage::connection& db) {
            created = storage::admin::insert_token(db, row);
            if (created) {
                ca::audit_event e;
                e.actor = "cli";
                e.action = "admin-token-create";
                e.subject = *name + " (" + row.role + ")";
                ca::append_audit(db, e, *clk);
            }
        });
        if (!created) {
            std::cerr << "localca admin: a token named '" << *name << "' exists\n";
            code = 1;
        } else {
            // Printed once: only its SHA-256 is kept.
            std::cout << token << '\n';
        }
    } else {
        bool deleted = false;
        store.writer().run([&](storage::connection& db) {
            deleted = storage::admin::delete_token(db, pos[2]);
            if (deleted) {
                ca::audit_event e;
                e.actor = "cli";
                e.action = "admin-token-revoke";
                e.subject = pos[2];
                ca::append_audit(db, e, *clk);
            }
        });
        if (!deleted) {
            std::cerr << "localca admin: no token named '" << pos[2] << "'\n";
            code = 1;
        } else {
            std::cout << "revoked token " << pos[2] << '\n';
        }
    }
    store.writer().stop();
    return code;
}

} // namespace localca::tools
