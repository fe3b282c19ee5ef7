#include "storage/certificate_repository.hpp"
#include "storage/live_duplicates.hpp"

#include "storage/connection.hpp"
#include "storage/sql_helpers.hpp"

#include <concepts>
#include <string>

namespace localca::storage {

using sql::bind_optional;

namespace {

constexpr const char* k_columns =
    "sn, authority, profile, subject_der, subject_cn, spki_sha256, device, status, not_before, "
    "not_after, der, revoked_at, revocation_reason";

// In the order of k_columns.
certificate_row read_row(statement& q) {
    certificate_row r;
    r.sn = q.get_int64(0);
    r.authority = q.get_string(1);
    r.profile = q.get_string(2);
    r.subject_der = q.get_blob(3);
    r.subject_cn = q.get_optional_string(4);
    r.spki_sha256 = q.get_blob(5);
    r.device = q.get_optional_int64(6);
    r.status = static_cast<certificate_status>(q.get_int64(7));
    r.not_before = q.get_int64(8);
    r.not_after = q.get_int64(9);
    r.der = q.get_blob(10);
    r.revoked_at = q.get_optional_int64(11);
    if (!q.is_null(12)) {
        r.revocation_reason = q.get_int64(12);
    }
    return r;
}

// The live-duplicate lookups (CN or key): ?1 is the indexed value, ?2 the asking device, ?3 now,
// ?4 a serial to skip (the certificate being renewed).
//
// The index is ordered by (value, status, device, not_after) (schemas/006). With a device, the
// search is three seeks, "device IS NULL", "device < ?2" and "device > ?2", so it never visits
// the asking device's own entries. One "device != ?2" condition made SQLite read every live entry
// of the value, and a device that re-applies keeps its earlier certificates live until they
// expire: the check, made twice per issuance, grew with the device's history (measured: issuance
// fell by 5-13 % per 10 s round of 128 or 256 devices re-applying, docs/performance.md, fifth
// round).
// Without a device, any live entry is a duplicate; there are few, since each one refuses others.
// CAST: PostgreSQL cannot infer the type of a parameter that only "IS NULL" reads.
constexpr const char* k_live_rest =
    " AND not_after > ?3 AND (CAST(?4 AS BIGINT) IS NULL OR sn != ?4)";

// `value` names the indexed value's parameter: ?1 alone, ?5 for the key in the combined check.
std::string live_elsewhere_sql(const std::string& column, bool device_given,
                               const std::string& value = "?1") {
    const std::string head =
        "SELECT sn FROM certificates WHERE " + column + " = " + value + " AND status = 0";
    if (!device_given) {
        return head + k_live_rest + " LIMIT 1";
    }
    return head + " AND device IS NULL" + k_live_rest + " UNION ALL " + head + " AND device < ?2" +
           k_live_rest + " UNION ALL " + head + " AND device > ?2" + k_live_rest + " LIMIT 1";
}

std::optional<std::int64_t> first_sn(statement& q) {
    if (q.step()) {
        return q.get_int64(0);
    }
    return std::nullopt;
}

// The two statements of one lookup (with and without a device), built once per process from
// make(device_given).
struct live_elsewhere_statements {
    template <class Make>
    requires std::invocable<Make, bool>
    explicit live_elsewhere_statements(Make make)
        : with_device(make(true)), without_device(make(false)) {}
    explicit live_elsewhere_statements(const std::string& column)
        : live_elsewhere_statements(
              [&](bool device_given) { return live_elsewhere_sql(column, device_given); }) {}
    const std::string& of(bool device_given) const {
        return device_given ? with_device : without_device;
    }
    std::string with_device;
    std::string without_device;
};

// Runs one lookup; bind_value binds ?1, the CN or the key hash.
template <class BindValue>
std::optional<std::int64_t> live_elsewhere(connection& db, const live_elsewhere_statements& sql,
                                           BindValue bind_value, std::optional<std::int64_t> device,
                                           std::int64_t now,
                                           std::optional<std::int64_t> except_sn) {
    statement_handle cached(db, sql.of(device.has_value()));
    statement& q = *cached;
    bind_value(q);
    if (device) {
        q.bind(2, *device);
    }
    q.bind(3, now);
    bind_optional(q, 4, except_sn);
    return first_sn(q);
}

// The statistics counts of schemas 014/015 for a certificate just inserted: here rather than
// in a trigger (schemas/015 says why), so every insert must come through insert_certificate.
void count_inserted_certificate(connection& db, const certificate_row& row) {
    statement_handle counts(db, "INSERT INTO certificate_counts (api, authority, status, "
                                "expiry_day, n) VALUES (?, ?, ?, ?, 1) ON CONFLICT (api, "
                                "authority, status, expiry_day) DO UPDATE SET n = "
                                "certificate_counts.n + 1");
    counts->bind(1, row.api); // as stored (never NULL: the triggers' coalesce sees the same)
    counts->bind(2, row.authority);
    counts->bind(3, static_cast<int>(row.status));
    // Truncating like SQL's integer division, which the UPDATE and DELETE triggers use.
    counts->bind(4, row.not_after / 86400);
    counts->exec_later();
    statement_handle hours(db, "INSERT INTO issued_hours (hour, n) VALUES (?, 1) ON CONFLICT "
                               "(hour) DO UPDATE SET n = issued_hours.n + 1");
    hours->bind(1, row.not_before / 3600 * 3600);
    hours->exec_later();
}

} // namespace

void insert_certificate(connection& db, const certificate_row& row) {
    statement_handle cached(db, std::string("INSERT INTO certificates (") + k_columns +
                                    ", api) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    statement& q = *cached;
    q.bind(1, row.sn);
    q.bind(2, row.authority);
    q.bind(3, row.profile);
    q.bind_blob(4, row.subject_der);
    bind_optional(q, 5, row.subject_cn);
    q.bind_blob(6, row.spki_sha256);
    bind_optional(q, 7, row.device);
    q.bind(8, static_cast<int>(row.status));
    q.bind(9, row.not_before);
    q.bind(10, row.not_after);
    q.bind_blob(11, row.der);
    bind_optional(q, 12, row.revoked_at);
    bind_optional(q, 13, row.revocation_reason);
    q.bind(14, row.api);
    q.exec_later(); // nothing reads its count: PostgreSQL sends it with the next statement
    count_inserted_certificate(db, row);
}

std::optional<certificate_row> find_certificate(connection& db, std::int64_t sn) {
    statement_handle cached(db,
                            std::string("SELECT ") + k_columns + " FROM certificates WHERE sn = ?");
    statement& q = *cached;
    q.bind(1, sn);
    if (!q.step()) {
        return std::nullopt;
    }
    return read_row(q);
}

std::vector<certificate_row> certificates_of_device(connection& db, std::int64_t device) {
    statement_handle cached(db, std::string("SELECT ") + k_columns +
                                    " FROM certificates WHERE device = ? ORDER BY sn");
    statement& q = *cached;
    q.bind(1, device);
    std::vector<certificate_row> rows;
    while (q.step()) {
        rows.push_back(read_row(q));
    }
    return rows;
}

std::optional<std::int64_t> live_cn_elsewhere(connection& db, const std::string& cn,
                                              std::optional<std::int64_t> device, std::int64_t now,
                                              std::optional<std::int64_t> except_sn) {
    static const live_elsewhere_statements sql("subject_cn");
    return live_elsewhere(
        db, sql, [&](statement& q) { q.bind(1, cn); }, device, now, except_sn);
}

std::optional<std::int64_t> live_key_elsewhere(connection& db,
                                               const std::vector<std::uint8_t>& spki_sha256,
                                               std::optional<std::int64_t> device, std::int64_t now,
                                               std::optional<std::int64_t> except_sn) {
    static const live_elsewhere_statements sql("spki_sha256");
    return live_elsewhere(
        db, sql, [&](statement& q) { q.bind_blob(1, spki_sha256); }, device, now, except_sn);
}

live_duplicates live_cn_and_key_elsewhere(connection& db, const std::string& cn,
                                          const std::vector<std::uint8_t>& spki_sha256,
                                          std::optional<std::int64_t> device, std::int64_t now,
                                          std::optional<std::int64_t> except_sn) {
    // The two lookups above as two scalar subqueries of one statement; the key's value is ?5.
    // Each subquery can use its own live index only (schemas/postgres/017).
    static const live_elsewhere_statements sql([](bool device_given) {
        return "SELECT (" + live_elsewhere_sql("subject_cn", device_given) + "), (" +
               live_elsewhere_sql("spki_sha256", device_given, "?5") + ")";
    });
    statement_handle cached(db, sql.of(device.has_value()));
    statement& q = *cached;
    q.bind(1, cn);
    if (device) {
        q.bind(2, *device);
    }
    q.bind(3, now);
    bind_optional(q, 4, except_sn);
    q.bind_blob(5, spki_sha256);
    live_duplicates found;
    if (q.step()) {
        found.cn_sn = q.get_optional_int64(0);
        found.key_sn = q.get_optional_int64(1);
    }
    return found;
}

bool revoke_certificate(connection& db, std::int64_t sn, std::int64_t revoked_at, int reason) {
    // The status condition makes "already revoked" a no-op: the first revocation's time and
    // reason are the ones the CRL keeps.
    statement_handle cached(db, "UPDATE certificates SET status = 1, revoked_at = ?, "
                                "revocation_reason = ? WHERE sn = ? AND status = 0");
    statement& q = *cached;
    q.bind(1, revoked_at);
    q.bind(2, reason);
    q.bind(3, sn);
    return q.exec() == 1;
}

std::vector<revoked_entry> revoked_of_authority(connection& db, const std::string& authority) {
    statement_handle cached(db,
                            "SELECT sn, coalesce(revoked_at, 0), coalesce(revocation_reason, 0) "
                            "FROM certificates WHERE authority = ? AND status = 1 ORDER BY sn");
    statement& q = *cached;
    q.bind(1, authority);
    std::vector<revoked_entry> entries;
    while (q.step()) {
        entries.push_back(
            revoked_entry{q.get_int64(0), q.get_int64(1), static_cast<int>(q.get_int64(2))});
    }
    return entries;
}

std::int64_t max_certificate_sn(connection& db) {
    // max() of the rowid is one b-tree descent, not a scan.
    return sql::query_int64(db, "SELECT coalesce(max(sn), 0) FROM certificates");
}

} // namespace localca::storage
