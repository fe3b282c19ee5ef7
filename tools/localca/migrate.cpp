// `localca migrate --data-dir DIR --to postgres://...` (issue 14, docs/scale-out.md "Moving up"):
// copies an SQLite data dir into an empty PostgreSQL database and verifies the copy. The SQLite
// dir is only read.
//
// Why generic (every table, every column, by the PostgreSQL schema's own description) rather
// than one copy routine per repository: both backends have the same tables and columns at the
// same schema version (storage.postgres_connection checks it), so a table added by a later
// migration is copied without anyone remembering to extend this file.
#include "ca/audit.hpp"
#include "ca/key_store.hpp"
#include "ca/sealing_key.hpp"
#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/shared_key_repository.hpp"
#include "storage/sql_helpers.hpp"
#include "storage/store.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/data_dir.hpp"
#include "tools/localca/shared_keys.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace localca::tools {

namespace {

struct column {
    std::string name;
    std::string type; // PostgreSQL's data_type: bigint, text, bytea
    bool identity = false;
};

// Every LocalCA table of the PostgreSQL database with its columns in order, parents before the
// tables whose foreign keys name them.
std::vector<std::pair<std::string, std::vector<column>>> target_tables(storage::connection& pg) {
    std::map<std::string, std::vector<column>> tables;
    {
        storage::statement_handle q(pg, "SELECT table_name, column_name, data_type, is_identity "
                                        "FROM information_schema.columns "
                                        "WHERE table_schema = current_schema() "
                                        "ORDER BY table_name, ordinal_position");
        while (q->step()) {
            tables[q->get_string(0)].push_back(
                {q->get_string(1), q->get_string(2), q->get_string(3) == "YES"});
        }
    }
    std::multimap<std::string, std::string> parents; // child -> parent
    {
        storage::statement_handle q(
            pg, "SELECT DISTINCT tc.table_name, ccu.table_name "
                "FROM information_schema.table_constraints tc "
                "JOIN information_schema.constraint_column_usage ccu "
                "ON tc.constraint_name = ccu.constraint_name "
                "AND tc.constraint_schema = ccu.constraint_schema "
                "WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()");
        while (q->step()) {
            if (q->get_string(0) != q->get_string(1)) {
                parents.emplace(q->get_string(0), q->get_string(1));
            }
        }
    }
    std::vector<std::pair<std::string, std::vector<column>>> ordered;
    std::set<std::string> placed;
    while (placed.size() < tables.size()) {
        const auto before = placed.size();
        for (const auto& [name, columns] : tables) {
            if (placed.contains(name)) {
                continue;
            }
            const auto [first, last] = parents.equal_range(name);
            if (std::all_of(first, last,
                            [&](const auto& p) { return placed.contains(p.second); })) {
                ordered.emplace_back(name, columns);
                placed.insert(name);
            }
        }
        if (placed.size() == before) {
            throw std::runtime_error("migrate: the foreign keys of the target schema form a cycle");
        }
    }
    return ordered;
}

std::string joined_names(const std::vector<column>& columns, bool quoted) {
    std::string s;
    for (const auto& c : columns) {
        s += (s.empty() ? "" : ", ") + (quoted ? "\"" + c.name + "\"" : c.name);
    }
    return s;
}

// Copies one table's rows; returns how many.
std::int64_t copy_table(storage::connection& from, storage::connection& to,
                        const std::string& table, const std::vector<column>& columns) {
    std::string placeholders;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        placeholders += (i ? ", ?" : "?");
    }
    // Quoted: the emCA column "user" is a reserved word in PostgreSQL (SQLite accepts quotes).
    storage::statement_handle read(from, "SELECT " + joined_names(columns, true) + " FROM \"" +
                                             table + "\"");
    storage::statement_handle write(to, "INSERT INTO \"" + table + "\" (" +
                                            joined_names(columns, true) + ") VALUES (" +
                                            placeholders + ")");
    std::int64_t rows = 0;
    while (read->step()) {
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const int c = static_cast<int>(i);
            if (read->is_null(c)) {
                write->bind_null(c + 1);
            } else if (columns[i].type == "bigint" || columns[i].type == "integer") {
                write->bind(c + 1, read->get_int64(c));
            } else if (columns[i].type == "bytea") {
                write->bind_blob(c + 1, read->get_blob(c));
            } else if (columns[i].type == "text") {
                write->bind(c + 1, read->get_string(c));
            } else {
                throw std::runtime_error("migrate: column " + table + "." + columns[i].name +
                                         " has type " + columns[i].type +
                                         ", which this copy "
                                         "does not know");
            }
        }
        write->exec();
        write->clear_bindings();
        ++rows;
    }
    return rows;
}

std::int64_t count_rows(storage::connection& db, const std::string& table) {
    return storage::sql::query_int64(db, "SELECT count(*) FROM \"" + table + "\"");
}

} // namespace

int cmd_migrate(const arguments& args) {
    const auto* dir_arg = args.get("--data-dir");
    const auto* to = args.get("--to");
    if (!dir_arg || dir_arg->empty() || !to || to->empty()) {
        throw std::invalid_argument("usage: localca migrate --data-dir DIR --to postgres://...");
    }
    const std::filesystem::path dir = *dir_arg;
    const auto source_opts = storage_options(dir, storage::options{});
    if (!std::filesystem::exists(source_opts.path)) {
        throw std::runtime_error(dir.string() + " is not an initialised SQLite data dir");
    }
    storage::options target_opts;
    target_opts.backend = storage::backend::postgres;
    target_opts.postgres.url = *to;
    {
        const auto probe = storage::open_connection(target_opts);
        if (storage::sql::table_exists(*probe, "schema_version")) {
            throw std::runtime_error("migrate: the target database is not empty (it has LocalCA's "
                                     "tables); give an empty database");
        }
    }
    // The keys must open under the passphrase a PostgreSQL node will use, before anything is
    // written: a copy whose keys no node can load would be worse than none.
    const char* passphrase = std::getenv("LOCALCA_CA_PASSPHRASE");
    if (passphrase == nullptr || *passphrase == '\0') {
        throw std::runtime_error(
            "migrate: set LOCALCA_CA_PASSPHRASE to the CA keys' passphrase (PostgreSQL nodes need "
            "it in the environment; for a developer-mode dir it is the content of "
            "DIR/ca/passphrase)");
    }
    const ca::key_store keys(dir / "ca");
    keys.load("rsa", passphrase);
    keys.load("ecc", passphrase);
    // The data dir's lock: no server may write the source while it is copied.
    data_dir_lock lock(dir);
    storage::store source(source_opts);
    auto& from = source.reader();
    const auto version = storage::sql::query_int64(from, "SELECT max(version) FROM schema_version");
    if (version != storage::known_schema_version()) {
        throw std::runtime_error("migrate: the data dir's schema is version " +
                                 std::to_string(version) + ", this LocalCA's " +
                                 std::to_string(storage::known_schema_version()) +
                                 "; start this LocalCA's server on it once first");
    }
    storage::store target(target_opts); // creates the schema, at the same version

    std::map<std::string, std::int64_t> copied;
    const auto tables = target_tables(target.reader());
    target.writer().run([&](storage::connection& pg) {
        // The fresh schema's migrations seed one-row tables (serial sequence, lab state...):
        // the source's rows replace them. Children first, for the foreign keys.
        for (auto it = tables.rbegin(); it != tables.rend(); ++it) {
            if (it->first != "schema_version" && it->first != "shared_keys" &&
                storage::sql::table_exists(from, it->first)) {
                pg.exec_script("DELETE FROM \"" + it->first + "\"");
            }
        }
        for (const auto& [table, columns] : tables) {
            if (table == "schema_version" || table == "shared_keys") {
                continue; // the target's own; shared_keys is published below
            }
            if (!storage::sql::table_exists(from, table)) {
                continue;
            }
            copied[table] = copy_table(from, pg, table, columns);
        }
        // Identity columns continue after the copied ids (a row inserted later must not collide).
        for (const auto& [table, columns] : tables) {
            for (const auto& c : columns) {
                if (c.identity && copied.contains(table) && copied[table] > 0) {
                    pg.exec_script("SELECT setval(pg_get_serial_sequence('" + table + "', '" +
                                   c.name + "'), (SELECT max(" + c.name + ") FROM \"" + table +
                                   "\"))");
                }
            }
        }
    });

    // Verify: every table's count, the serial high-water mark, the audit chain.
    auto& pg = target.reader();
    for (const auto& [table, n] : copied) {
        const auto there = count_rows(pg, table);
        if (there != n || count_rows(from, table) != n) {
            throw std::runtime_error("migrate: table " + table + ": " + std::to_string(n) +
                                     " rows read, " + std::to_string(there) + " in the target");
        }
    }
    const auto next_free = "SELECT next_free FROM serial_sequence WHERE id = 1";
    if (storage::sql::query_int64(pg, next_free) != storage::sql::query_int64(from, next_free)) {
        throw std::runtime_error("migrate: the serial high-water mark differs after the copy");
    }
    const auto chain = ca::verify_audit(pg);
    if (!chain.ok) {
        throw std::runtime_error("migrate: the copied audit chain does not verify: " +
                                 chain.reason);
    }
    // The key files and the EnOS token key, as a PostgreSQL node expects them.
    sync_shared_keys(dir, target);
    publish_enos_token_key(dir, target, *ca::open_sealing_key(target, passphrase));
    std::int64_t rows = 0;
    for (const auto& [table, n] : copied) {
        rows += n;
    }
    std::cout << "migrated " << dir.string() << " (schema " << version
              << ") to PostgreSQL: " << copied.size() << " tables, " << rows << " rows, "
              << copied["certificates"] << " certificates, audit chain of " << chain.entries
              << " entries verified, serial high-water mark equal; " << dir.string()
              << " is unchanged\n";
    return 0;
}

} // namespace localca::tools
