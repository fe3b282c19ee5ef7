#include "tools/localca/lab_snapshot.hpp"

#include "ca/audit.hpp"
#include "storage/backup.hpp"
#include "storage/sqlite_lab_snapshot.hpp"
#include "storage/store.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/config.hpp"
#include "tools/localca/data_dir.hpp"
#include "tools/localca/lab.hpp"

#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>
#include <stdexcept>

namespace localca::tools {

namespace fs = std::filesystem;

namespace {

// Node-local lab state kept beside the database (tools/localca/lab.hpp).
const char* const k_faults_file = "lab-faults.json";

fs::path snapshot_path(const fs::path& dir, const std::string& name) {
    if (!valid_snapshot_name(name)) {
        throw std::invalid_argument("snapshot name '" + name +
                                    "' must be 1 to 64 of A-Z a-z 0-9 . _ - (not . or ..)");
    }
    return snapshots_dir(dir) / name;
}

void copy_if_present(const fs::path& from, const fs::path& to) {
    if (fs::exists(from)) {
        fs::copy_file(from, to, fs::copy_options::overwrite_existing);
    } else {
        fs::remove(to);
    }
}

} // namespace

bool valid_snapshot_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name == "." || name == "..") {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
    });
}

fs::path snapshots_dir(const fs::path& dir) {
    return dir / "lab-snapshots";
}

std::vector<snapshot_info> list_snapshots(const fs::path& dir) {
    std::vector<snapshot_info> out;
    if (!fs::exists(snapshots_dir(dir))) {
        return out;
    }
    for (const auto& entry : fs::directory_iterator(snapshots_dir(dir))) {
        const auto name = entry.path().filename().string();
        // Directories being written are named ".NAME.tmp-PID": not valid names, not listed.
        if (!entry.is_directory() || !valid_snapshot_name(name) ||
            !fs::exists(database_path(entry.path()))) {
            continue;
        }
        out.push_back({name, storage::count_certificates_in(database_path(entry.path()))});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

std::int64_t take_snapshot(const fs::path& dir, const std::string& name) {
    const auto target = snapshot_path(dir, name);
    const auto tmp = snapshots_dir(dir) / ("." + name + ".tmp-" + std::to_string(::getpid()));
    fs::create_directories(snapshots_dir(dir));
    fs::permissions(snapshots_dir(dir), fs::perms::owner_all, fs::perm_options::replace);
    fs::remove_all(tmp);
    fs::create_directory(tmp);
    storage::backup_database(database_path(dir), database_path(tmp));
    copy_if_present(dir / k_faults_file, tmp / k_faults_file);
    const auto old = snapshots_dir(dir) / ("." + name + ".old-" + std::to_string(::getpid()));
    if (fs::exists(target)) {
        fs::rename(target, old);
    }
    fs::rename(tmp, target);
    fs::remove_all(old);
    return storage::count_certificates_in(database_path(target));
}

bool delete_snapshot(const fs::path& dir, const std::string& name) {
    const auto target = snapshot_path(dir, name);
    if (!fs::exists(target)) {
        return false;
    }
    const auto gone = snapshots_dir(dir) / ("." + name + ".del-" + std::to_string(::getpid()));
    fs::remove_all(gone);
    fs::rename(target, gone);
    fs::remove_all(gone);
    return true;
}

bool ensure_baseline_snapshot(const fs::path& dir) {
    const std::string name(k_baseline_snapshot);
    if (fs::exists(database_path(snapshots_dir(dir) / name))) {
        return false;
    }
    take_snapshot(dir, name);
    return true;
}

restore_report restore_snapshot(storage::store& store, const fs::path& dir, const std::string& name,
                                const ca::audit_context& who, const ca::clock& clk) {
    const auto from = snapshot_path(dir, name);
    if (!fs::exists(database_path(from))) {
        throw std::runtime_error("no snapshot '" + name + "' in " + snapshots_dir(dir).string() +
                                 (name == k_baseline_snapshot
                                      ? " (it is taken when a lab-mode server first starts)"
                                      : ""));
    }
    restore_report report;
    // Alone on the writer: every write queued before has committed, every one queued after
    // waits (the server's requests pause on the writer, reads see old or new, never a mix).
    store.writer().run_alone([&](storage::connection& db) {
        storage::restore_database_into(
            db, database_path(from),
            [&](storage::connection& tx, const storage::lab_restore_outcome& o) {
                report = {o.certificates_before, o.certificates_after, o.next_serial};
                // At the tail of the restored chain, which verifies: it is the chain as it was.
                ca::append_audit(tx,
                                 ca::make_audit_event(who, "lab-restore", {},
                                                      "snapshot " + name + ": certificates " +
                                                          std::to_string(o.certificates_before) +
                                                          " -> " +
                                                          std::to_string(o.certificates_after)),
                                 clk);
            });
    });
    copy_if_present(from / k_faults_file, dir / k_faults_file);
    return report;
}

bool is_snapshot_verb(const std::string& verb) {
    return verb == "snapshot" || verb == "restore" || verb == "snapshots" || verb == "reset";
}

int cmd_lab_snapshot(const arguments& args) {
    const auto& pos = args.positional;
    const auto& verb = pos.at(0);
    const bool named = verb == "snapshot" || verb == "restore";
    if (pos.size() != (named ? 2u : 1u)) {
        throw std::invalid_argument("usage: localca lab snapshot NAME | restore NAME | snapshots "
                                    "| reset --data-dir DIR");
    }
    const auto* dir_arg = args.get("--data-dir");
    if (!dir_arg || dir_arg->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    const fs::path dir = *dir_arg;
    if (const auto* file = args.get("--config");
        file && load_config(*file).storage.backend == storage::backend::postgres) {
        std::cerr << "localca lab " << verb
                  << ": snapshots are for the SQLite backend only; with PostgreSQL save and "
                     "restore the database with pg_dump / pg_restore.\n";
        return 1;
    }
    if (!lab_mode_on(args, dir)) {
        return 1;
    }
    if (verb == "snapshots") {
        for (const auto& s : list_snapshots(dir)) {
            std::cout << s.name << "\t" << s.certificates << " certificate(s)\n";
        }
        return 0;
    }
    if (verb == "snapshot") {
        // The online backup API copies a consistent state while a server writes: no lock.
        const auto n = take_snapshot(dir, pos[1]);
        std::cout << "snapshot " << pos[1] << " of " << dir.string() << ": " << n
                  << " certificate(s)\n";
        return 0;
    }
    const std::string name = verb == "reset" ? std::string(k_baseline_snapshot) : pos[1];
    std::optional<data_dir_lock> lock;
    try {
        lock.emplace(dir);
    } catch (const std::runtime_error&) {
        // A server runs on the dir: it restores, alone on its writer (POST /lab/v1/...).
        std::cout << "a server is running on " << dir.string() << ": asking it\n";
        const auto target = verb == "reset" ? std::string("/lab/v1/reset")
                                            : "/lab/v1/snapshots/" + name + "/restore";
        return print_lab_answer(call_lab_api(args, "POST", target, ""), verb);
    }
    storage::store store(storage_options(dir));
    const auto r = restore_snapshot(store, dir, name, ca::audit_context{"cli", "", ""},
                                    *stored_lab_clock(dir));
    store.writer().stop();
    std::cout << (verb == "reset" ? "reset " : "restored ") << dir.string() << " to snapshot "
              << name << ": certificates " << r.certificates_before << " -> "
              << r.certificates_after << ", next serial " << r.next_serial << "\n";
    return 0;
}

} // namespace localca::tools
