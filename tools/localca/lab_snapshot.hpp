#pragma once
// Lab snapshots and reset (docs/lab.md, "Reset and snapshots"): the data dir's state saved under
// DIR/lab-snapshots/NAME/ and brought back, so that a test suite can start each case from a
// known state. A snapshot is the database (SQLite online backup: safe while the server runs)
// plus the node-local lab state (the seed's fault rules, DIR/lab-faults.json). The keys and
// roots are not in it: they never change in a data dir, so a restore keeps them by construction.
//
// Reset is a restore of the baseline snapshot "_baseline", taken when a lab-mode server first
// starts on a data dir that has none: the state after `init` + `seed`.
#include "ca/audit.hpp"
#include "ca/clock.hpp"
#include "storage/store.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace localca::tools {

inline constexpr std::string_view k_baseline_snapshot = "_baseline";

// [A-Za-z0-9._-]{1,64}, not "." or "..".
bool valid_snapshot_name(std::string_view name);

std::filesystem::path snapshots_dir(const std::filesystem::path& dir);

struct snapshot_info {
    std::string name;
    std::int64_t certificates = 0;
};

// The snapshots of `dir`, by name.
std::vector<snapshot_info> list_snapshots(const std::filesystem::path& dir);

// Saves the state of `dir` as `name`, replacing a snapshot of that name; returns its
// certificate count. The copy is made aside and renamed into place: a crash leaves the old
// snapshot or the new one.
std::int64_t take_snapshot(const std::filesystem::path& dir, const std::string& name);

// Removes snapshot `name` of `dir`; false when there is none. Renamed aside first (a name that
// is not valid, hence never listed), so a crash midway leaves no half snapshot in the list.
bool delete_snapshot(const std::filesystem::path& dir, const std::string& name);

// Takes the baseline unless `dir` has one; true when it took it.
bool ensure_baseline_snapshot(const std::filesystem::path& dir);

struct restore_report {
    std::int64_t certificates_before = 0;
    std::int64_t certificates_after = 0;
    std::int64_t next_serial = 0;
};

// Brings snapshot `name` back into the database of `store` (the data dir `dir`'s: the server's
// own store, or the CLI's while it holds the data dir lock) as one job run alone on its writer,
// keeps serials and CRL numbers monotonic (storage/sqlite_lab_snapshot.hpp) and audits it in
// the same transaction ("lab-restore", `who`, at `clk`'s time). Throws std::runtime_error for
// an unknown snapshot.
restore_report restore_snapshot(storage::store& store, const std::filesystem::path& dir,
                                const std::string& name, const ca::audit_context& who,
                                const ca::clock& clk);

} // namespace localca::tools
