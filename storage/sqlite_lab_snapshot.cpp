#include "storage/sqlite_lab_snapshot.hpp"

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace localca::storage {

namespace {

std::int64_t next_free(SQLite::Database& db) {
    return db.execAndGet("SELECT next_free FROM serial_sequence WHERE id = 1").getInt64();
}

} // namespace

std::int64_t count_certificates_in(const std::filesystem::path& path) {
    SQLite::Database db(path.string(), SQLite::OPEN_READONLY, 5000);
    return db.execAndGet("SELECT count(*) FROM certificates").getInt64();
}

lab_restore_outcome restore_database_from(const std::filesystem::path& live,
                                          const std::filesystem::path& snapshot) {
    if (!std::filesystem::exists(snapshot)) {
        throw std::runtime_error("no snapshot database " + snapshot.string());
    }
    lab_restore_outcome out;
    SQLite::Database src(snapshot.string(), SQLite::OPEN_READONLY, 5000);
    SQLite::Database dst(live.string(), SQLite::OPEN_READWRITE, 5000);
    out.certificates_before = dst.execAndGet("SELECT count(*) FROM certificates").getInt64();
    // Read before the copy: the live high-water mark covers every block any process reserved,
    // and the live CRL numbers every CRL published.
    const auto high_water = next_free(dst);
    struct authority_marks {
        std::string name;
        std::int64_t crl_number;
        std::int64_t revocations;
    };
    std::vector<authority_marks> marks;
    {
        SQLite::Statement q(dst, "SELECT name, crl_number, revocations FROM authorities");
        while (q.executeStep()) {
            marks.push_back({q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                             q.getColumn(2).getInt64()});
        }
    }
    {
        SQLite::Backup backup(dst, src);
        // One step: every page in one write transaction of `dst`, so that a reader on another
        // connection sees the whole old or the whole new database.
        for (int attempt = 0;; ++attempt) {
            const int rc = backup.executeStep(-1);
            if (rc == SQLITE_DONE) {
                break;
            }
            if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || attempt > 200) {
                throw std::runtime_error("restore of " + snapshot.string() + " into " +
                                         live.string() + " failed (" + std::to_string(rc) + ")");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
    }
    SQLite::Transaction tx(dst);
    SQLite::Statement raise(dst, "UPDATE serial_sequence SET next_free = max(next_free, ?) "
                                 "WHERE id = 1");
    raise.bind(1, static_cast<int64_t>(high_water));
    raise.exec();
    // cRLNumber only grows (RFC 5280 5.2.3), and the stored CRL must be rebuilt: it may list
    // certificates the restored state has never revoked or miss ones it has. A revocation counter
    // above every value a CRL was built from makes the next fetch build one, numbered above every
    // CRL published before (ca/crl_publisher.hpp).
    SQLite::Statement crl(dst, "UPDATE authorities SET crl_number = max(crl_number, ?), "
                               "revocations = max(revocations, ?) + 1 WHERE name = ?");
    for (const auto& m : marks) {
        crl.bind(1, static_cast<int64_t>(m.crl_number));
        crl.bind(2, static_cast<int64_t>(m.revocations));
        crl.bind(3, m.name);
        crl.exec();
        crl.reset();
    }
    tx.commit();
    out.next_serial = next_free(dst);
    out.certificates_after = dst.execAndGet("SELECT count(*) FROM certificates").getInt64();
    return out;
}

} // namespace localca::storage
