#pragma once
// The tamper-evident audit log: entries appended to storage's audit table as a hash chain.
// hash = SHA-256(canonical encoding of id, time, actor, action, certSN, subject, source IP,
// outcome, previous hash); the first entry's previous hash is 64 zeros. append_audit() runs
// inside the transaction of the change it records (an engine writer job, the seed transaction),
// so an entry is durable exactly when its change is.
#include "ca/clock.hpp"
#include "storage/audit_repository.hpp"
#include "storage/store.hpp"

#include "storage/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::ca {

// Who asked, from where. Filled in by the personalities; the CLI uses "cli".
struct audit_context {
    std::string actor = "unknown"; // "<api>:<credential>" as each personality names it, or "cli"
    std::string source_ip;         // "" when not from the network
    std::string action;            // overrides the engine's action ("issue"...) when not empty
};

struct audit_event {
    std::string actor = "unknown";
    std::string action;
    std::optional<std::int64_t> cert_sn;
    std::string subject;
    std::string source_ip;
    std::string outcome = "ok"; // ok | denied
};

// The event for `ctx` doing `action` (ctx.action wins when set).
audit_event make_audit_event(const audit_context& ctx, const std::string& action,
                             std::optional<std::int64_t> cert_sn = {},
                             std::string subject = {});

// Readable subject DN from its DER ("" if it cannot be decoded).
std::string subject_text(const std::vector<std::uint8_t>& subject_der);

// The hash of a row from its fields and prev_hash (lowercase hex).
std::string audit_hash(const storage::audit_row& row);

// Appends one entry to the chain, at `clk`'s time (read when appended, so that entries follow
// the order of their times). Must run inside a write transaction (a writer job).
storage::audit_row append_audit(storage::connection& db, const audit_event& e, const clock& clk);

// Appends through the writer and waits for its commit (start/stop). Not on the writer thread.
void record_audit(storage::store& store, const audit_event& e, const clock& clk);
// Queues the append and returns at once (failed authentications on worker threads). A failure
// to write is ignored: the request was refused anyway. `clk` must outlive the queued append
// (the engine's clock does: the engine drains the writer before it goes).
void record_audit_async(storage::store& store, const audit_event& e, const clock& clk);

// The entry of a refused authentication ("auth", outcome "denied"); never the credential itself.
audit_event auth_denied_event(std::string actor, std::string source_ip);
// Queues it (record_audit_async): what every API does when it refuses a caller.
void record_auth_denied(storage::store& store, std::string actor, std::string source_ip,
                        const clock& clk);

struct audit_verification {
    bool ok = true;
    std::int64_t entries = 0;                 // rows checked
    std::optional<std::int64_t> first_broken; // id of the first entry that does not verify;
                                              // unset when only the table itself is wrong
    std::string reason;
};

// Walks the whole chain in id order: each entry's prev_hash must be the previous entry's hash
// (zeros for the first), its hash must match its fields, and ids must follow each other. Every
// stored value must also have its column's declared type (the hash covers the value as read, and
// reading coerces), and the table must still be STRICT. The earliest failing entry is named.
audit_verification verify_audit(storage::connection& db);

// One entry as a JSON object on one line (for `localca audit tail`).
std::string audit_json(const storage::audit_row& row);

} // namespace localca::ca
