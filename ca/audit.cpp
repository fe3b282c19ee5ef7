#include "ca/audit.hpp"

#include "ca/fingerprint.hpp"

#include <botan/ber_dec.h>
#include <botan/x509_dn.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <sstream>

namespace localca::ca {

namespace {

const std::string k_genesis(64, '0');

// Length-prefixed fields: "<bytes>:<value>," so no two different rows encode alike.
void field(std::string& out, const std::string& v) {
    out += std::to_string(v.size());
    out += ':';
    out += v;
    out += ',';
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (const unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string iso_time(std::int64_t at) {
    const std::time_t t = static_cast<std::time_t>(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

} // namespace

audit_event make_audit_event(const audit_context& ctx, const std::string& action,
                             std::optional<std::int64_t> cert_sn, std::string subject) {
    audit_event e;
    e.actor = ctx.actor;
    e.action = ctx.action.empty() ? action : ctx.action;
    e.cert_sn = cert_sn;
    e.subject = std::move(subject);
    e.source_ip = ctx.source_ip;
    return e;
}

std::string subject_text(const std::vector<std::uint8_t>& subject_der) {
    if (subject_der.empty()) {
        return {};
    }
    try {
        Botan::X509_DN dn;
        Botan::BER_Decoder dec(subject_der);
        dn.decode_from(dec);
        return dn.to_string();
    } catch (const std::exception&) {
        return {};
    }
}

std::string audit_hash(const storage::audit_row& row) {
    std::string enc = "localca-audit-v1,";
    field(enc, std::to_string(row.id));
    field(enc, std::to_string(row.at));
    field(enc, row.actor);
    field(enc, row.action);
    field(enc, row.cert_sn ? std::to_string(*row.cert_sn) : std::string("-"));
    field(enc, row.subject);
    field(enc, row.source_ip);
    field(enc, row.outcome);
    field(enc, row.prev_hash);
    return sha256_hex(enc);
}

storage::audit_row append_audit(storage::connection& db, const audit_event& e, const clock& clk) {
    for (;;) {
        const auto last = storage::last_audit_row(db);
        storage::audit_row row;
        row.id = last ? last->id + 1 : 1;
        row.at = clk.now_unix();
        row.actor = e.actor;
        row.action = e.action;
        row.cert_sn = e.cert_sn;
        row.subject = e.subject;
        row.source_ip = e.source_ip;
        row.outcome = e.outcome;
        row.prev_hash = last ? last->hash : k_genesis;
        row.hash = audit_hash(row);
        if (storage::insert_audit(db, row)) {
            return row;
        }
        // The writer's cached last row was stale (another node or process appended since): the
        // next read goes to the table.
    }
}

void record_audit(storage::store& store, const audit_event& e, const clock& clk) {
    store.writer().run([e, &clk](storage::connection& db) { append_audit(db, e, clk); });
}

void record_audit_async(storage::store& store, const audit_event& e, const clock& clk) {
    try {
        store.writer().submit([e, &clk](storage::connection& db) { append_audit(db, e, clk); },
                              [](std::exception_ptr) {});
    } catch (const std::exception&) {
        // Writer stopped: the server is shutting down.
    }
}

audit_event auth_denied_event(std::string actor, std::string source_ip) {
    audit_event e;
    e.actor = std::move(actor);
    e.action = "auth";
    e.source_ip = std::move(source_ip);
    e.outcome = "denied";
    return e;
}

void record_auth_denied(storage::store& store, std::string actor, std::string source_ip,
                        const clock& clk) {
    record_audit_async(store, auth_denied_event(std::move(actor), std::move(source_ip)), clk);
}

namespace {

void walk_chain(storage::connection& db, audit_verification& v) {
    std::string prev = k_genesis;
    std::int64_t prev_id = 0;
    constexpr std::int64_t k_page = 1000;
    for (;;) {
        const auto rows = storage::audit_rows_after(db, prev_id, k_page);
        for (const auto& row : rows) {
            ++v.entries;
            std::string why;
            if (row.id != prev_id + 1) {
                why = "entry " + std::to_string(prev_id + 1) + " is missing";
            } else if (row.prev_hash != prev) {
                why = "its previous hash does not match the hash of entry " +
                      std::to_string(prev_id);
            } else if (audit_hash(row) != row.hash) {
                why = "its hash does not match its contents";
            }
            if (!why.empty()) {
                v.ok = false;
                v.first_broken = row.id;
                v.reason = why;
                return;
            }
            prev = row.hash;
            prev_id = row.id;
        }
        if (static_cast<std::int64_t>(rows.size()) < k_page) {
            return;
        }
    }
}

} // namespace

audit_verification verify_audit(storage::connection& db) {
    audit_verification v;
    const bool strict = storage::audit_table_is_strict(db);
    const auto mistyped = storage::first_mistyped_audit_row(db);
    walk_chain(db, v);

    if (mistyped && (!v.first_broken || mistyped->id <= *v.first_broken)) {
        v.ok = false;
        v.first_broken = mistyped->id;
        v.reason = "its " + mistyped->column + " is stored as " + mistyped->stored_type +
                   ", not " + mistyped->declared_type;
    }
    if (!strict) {
        const std::string table = "the audit table is not STRICT (it was rebuilt outside LocalCA)";
        v.ok = false;
        v.reason = v.reason.empty() ? table : v.reason + "; " + table;
    }
    return v;
}

std::string audit_json(const storage::audit_row& row) {
    std::ostringstream out;
    out << "{\"id\":" << row.id << ",\"time\":" << json_string(iso_time(row.at))
        << ",\"actor\":" << json_string(row.actor) << ",\"action\":" << json_string(row.action)
        << ",\"certSN\":" << (row.cert_sn ? std::to_string(*row.cert_sn) : std::string("null"))
        << ",\"subject\":" << json_string(row.subject)
        << ",\"sourceIp\":" << json_string(row.source_ip)
        << ",\"outcome\":" << json_string(row.outcome)
        << ",\"prevHash\":" << json_string(row.prev_hash) << ",\"hash\":" << json_string(row.hash)
        << "}";
    return out.str();
}

} // namespace localca::ca
