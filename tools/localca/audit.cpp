// `localca audit verify` and `localca audit tail [-n N]`: the tamper-evident audit log.
#include "ca/audit.hpp"
#include "storage/store.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/data_dir.hpp"

#include <iostream>
#include <stdexcept>

namespace localca::tools {

int cmd_audit(const arguments& args) {
    const auto& pos = args.positional;
    if (pos.size() != 1 || (pos[0] != "verify" && pos[0] != "tail")) {
        throw std::invalid_argument("usage: localca audit verify|tail [-n N] --data-dir DIR");
    }
    const auto* dir_arg = args.get("--data-dir");
    if (!dir_arg || dir_arg->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    const std::filesystem::path dir = *dir_arg;
    if (!database_initialised(dir)) {
        throw std::runtime_error(dir.string() + " is not an initialised data dir");
    }
    std::int64_t n = 10;
    if (const auto* v = args.get("-n")) {
        try {
            std::size_t used = 0;
            n = std::stoll(*v, &used);
            if (used != v->size() || n <= 0) {
                throw std::invalid_argument(*v);
            }
        } catch (const std::exception&) {
            throw std::invalid_argument("-n must be a positive integer, not '" + *v + "'");
        }
    }
    // No data-dir lock: the server may be running; we only read (the store migrates an older
    // database, which adds tables and moves clear secrets aside to be sealed at the next start).
    storage::store store(storage_options(dir));
    auto& db = store.reader();
    if (pos[0] == "tail") {
        for (const auto& row : storage::audit_tail(db, n)) {
            std::cout << ca::audit_json(row) << '\n';
        }
        return 0;
    }
    const auto v = ca::verify_audit(db);
    if (v.ok) {
        std::cout << "audit log ok: " << v.entries << " entries verified\n";
        return 0;
    }
    if (!v.first_broken) {
        // Every entry verifies, but the table itself was changed (no longer STRICT).
        std::cout << "audit log broken: " << v.reason << '\n';
        std::cerr << "localca audit: the audit table was altered\n";
        return 1;
    }
    std::cout << "audit log broken at entry " << *v.first_broken << ": " << v.reason << '\n';
    std::cerr << "localca audit: the chain does not verify from entry " << *v.first_broken << '\n';
    return 1;
}

} // namespace localca::tools
