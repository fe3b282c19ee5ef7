#include "storage/sqlite_lab_snapshot.hpp"

#include "storage/sql_helpers.hpp"
#include "storage/sqlite_connection.hpp"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace localca::storage {

namespace {

struct authority_marks {
    std::string name;
    std::int64_t crl_number = 0;
    std::int64_t revocations = 0;
};

std::vector<authority_marks> marks_of(connection& db) {
    std::vector<authority_marks> out;
    statement_handle q(db, "SELECT name, crl_number, revocations FROM authorities");
    while (q->step()) {
        out.push_back({q->get_string(0), q->get_int64(1), q->get_int64(2)});
    }
    return out;
}

// The backup itself: every page in one step, one write transaction of `dst`.
void copy_pages(sqlite3* dst, const std::filesystem::path& snapshot) {
    sqlite3* src = nullptr;
    if (sqlite3_open_v2(snapshot.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        const std::string why = src ? sqlite3_errmsg(src) : "out of memory";
        sqlite3_close(src);
        throw std::runtime_error("cannot open snapshot " + snapshot.string() + ": " + why);
    }
    sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        const std::string why = sqlite3_errmsg(dst);
        sqlite3_close(src);
        throw std::runtime_error("cannot restore " + snapshot.string() + ": " + why);
    }
    int rc = SQLITE_OK;
    for (int attempt = 0;; ++attempt) {
        rc = sqlite3_backup_step(b, -1);
        if (rc == SQLITE_DONE || (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt > 200) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    sqlite3_backup_finish(b);
    sqlite3_close(src);
    if (rc != SQLITE_DONE) {
        throw std::runtime_error("restore of " + snapshot.string() + " failed (" +
                                 sqlite3_errstr(rc) + ")");
    }
}

} // namespace

std::int64_t count_certificates_in(const std::filesystem::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY, 5000);
    return db.execAndGet("SELECT count(*) FROM certificates").getInt64();
}

lab_restore_outcome
restore_database_into(connection& db, const std::filesystem::path& snapshot,
                      const std::function<void(connection&, const lab_restore_outcome&)>& also) {
    auto* sqlite = dynamic_cast<sqlite_connection*>(&db);
    if (!sqlite) {
        throw std::runtime_error("lab snapshots are for the SQLite backend only; with PostgreSQL "
                                 "use pg_dump / pg_restore");
    }
    if (!std::filesystem::exists(snapshot)) {
        throw std::runtime_error("no snapshot database " + snapshot.string());
    }
    lab_restore_outcome out;
    // Read before the copy: the live high-water mark covers every block any process reserved,
    // and the live CRL numbers every CRL published.
    out.certificates_before = sql::query_int64(db, "SELECT count(*) FROM certificates");
    const auto high_water =
        sql::query_int64(db, "SELECT next_free FROM serial_sequence WHERE id = 1");
    const auto marks = marks_of(db);
    copy_pages(sqlite->native_handle(), snapshot);

    db.begin_write();
    try {
        statement_handle raise(db, "UPDATE serial_sequence SET next_free = max(next_free, ?) "
                                   "WHERE id = 1");
        raise->bind(1, high_water);
        raise->exec();
        // cRLNumber only grows (RFC 5280 5.2.3), and the stored CRL may list certificates the
        // restored state never revoked or miss ones it has: a revocation counter above every
        // value a CRL was built from makes the next fetch build one.
        statement_handle crl(db, "UPDATE authorities SET crl_number = max(crl_number, ?), "
                                 "revocations = max(revocations, ?) + 1 WHERE name = ?");
        for (const auto& m : marks) {
            crl->bind(1, m.crl_number);
            crl->bind(2, m.revocations);
            crl->bind(3, m.name);
            crl->exec();
            crl->reset();
        }
        out.next_serial =
            sql::query_int64(db, "SELECT next_free FROM serial_sequence WHERE id = 1");
        out.certificates_after = sql::query_int64(db, "SELECT count(*) FROM certificates");
        if (also) {
            also(db, out);
        }
        db.commit();
    } catch (...) {
        db.rollback();
        throw;
    }
    return out;
}

} // namespace localca::storage
