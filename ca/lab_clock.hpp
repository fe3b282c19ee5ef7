#pragma once
// Lab mode's time travel (docs/lab.md): the offset of the server's offset_clock, kept in the
// database (storage/lab_state_repository.hpp) so that the CLI can move a running server's clock
// and the offset survives restarts. Every change is audited in the transaction that stores it.
//
// The audit chain's hash covers a fixed list of fields (ca/audit.hpp), so no real-time column is
// added to it; an entry's `at` is the lab time, and each lab-clock entry says the offset it put
// in force and the real time, from which the real time of every later entry follows
// (real = at - offset of the last lab-clock entry before it).
#include "ca/audit.hpp"
#include "ca/clock.hpp"
#include "storage/store.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace localca::ca {

// "30d", "12h", "90m", "45s", with an optional leading '-' (back in time). nullopt otherwise.
std::optional<std::chrono::seconds> parse_lab_duration(std::string_view text);

// "2027-01-01T00:00:00Z", "2027-01-01T02:00:00+02:00", fractional seconds allowed (dropped).
std::optional<clock::time_point> parse_rfc3339(std::string_view text);
// UTC, whole seconds: "2027-01-01T00:00:00Z".
std::string rfc3339(clock::time_point t);

struct lab_clock_change {
    enum class kind { advance, set, reset };
    kind what = kind::reset;
    std::chrono::seconds by{0}; // advance
    clock::time_point to;       // set
};

// Computes the new offset from the stored one (advance), the real time (set) or zero (reset),
// stores it and appends a "lab-clock" audit entry (at the new lab time; the subject names the
// change, the offset and the real time) in one writer transaction. Returns the new offset.
// Blocks on the writer: not on a network thread, not on the writer thread.
std::chrono::seconds change_lab_clock(storage::store& store, const lab_clock_change& change,
                                      const audit_context& who);

// The stored offset (0 when lab mode is off or the table does not exist).
std::chrono::seconds stored_lab_offset(storage::store& store);

} // namespace localca::ca
