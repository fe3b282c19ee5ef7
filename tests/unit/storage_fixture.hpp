#pragma once
// The repositories' fixture: a real database file in a temp dir, migrated to the current schema,
// and certificate rows for the rows of other tables that reference one (foreign keys are on).
#include "storage/bulk_filters.hpp"
#include "storage/certificate_repository.hpp"
#include "storage/database.hpp"
#include "storage/options.hpp"
#include "storage/sql_helpers.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace localca::test {

struct migrated_db {
    temp_dir dir;
    std::unique_ptr<storage::connection> connection;
    storage::connection& db;

    migrated_db() : connection(open(dir)), db(*connection) { storage::migrate(db); }

    // Inserts a valid certificate `sn` of RSA, valid [not_before, not_after).
    storage::certificate_row add_certificate(std::int64_t sn, std::optional<std::string> cn,
                                             std::int64_t not_before, std::int64_t not_after) {
        storage::certificate_row r;
        r.sn = sn;
        r.authority = "RSA";
        r.profile = "device";
        r.subject_der = {0x30, 0x00};
        r.subject_cn = std::move(cn);
        // Distinct per serial: the live-key index is not what these tests are about.
        r.spki_sha256 = std::vector<std::uint8_t>(32, static_cast<std::uint8_t>(sn));
        r.not_before = not_before;
        r.not_after = not_after;
        r.der = std::vector<std::uint8_t>(64, static_cast<std::uint8_t>(sn + 1));
        storage::insert_certificate(db, r);
        return r;
    }

    std::int64_t count(const std::string& table) {
        return storage::sql::query_int64(db, "SELECT count(*) FROM " + table);
    }

private:
    static std::unique_ptr<storage::connection> open(const temp_dir& dir) {
        storage::options o;
        o.path = dir / "ca.db";
        return storage::open_connection(o);
    }
};

// A migrated database with the bulk revocation keys a test registers in `filters`.
struct bulk_filters_db : migrated_db {
    static constexpr std::int64_t now = 1'800'000'000;
    using serials = std::vector<std::int64_t>;
    storage::bulk_filters filters;

    // The live certificates (at `now`) that bulk revocation selects with these filter values,
    // ascending sn; throws when a value is not valid for its key.
    serials selected(const std::vector<std::pair<std::string, std::string>>& values) {
        std::vector<storage::sql_condition> conditions;
        for (const auto& [name, value] : values) {
            const auto* key = filters.find(name);
            BOOST_REQUIRE(key != nullptr);
            auto condition = key->condition(value);
            if (!condition) {
                throw std::invalid_argument(name + ": invalid value '" + value + "'");
            }
            conditions.push_back(std::move(*condition));
        }
        serials out;
        for (const auto& c : storage::select_live(db, conditions, now, 0, 1000)) {
            out.push_back(c.sn);
        }
        return out;
    }
};

// A store (single writer, per-thread readers) over a fresh file in a temp dir, not fsynced.
struct temp_store {
    temp_dir dir;
    storage::store store{options_in(dir)};

    static storage::options options_in(const temp_dir& d) {
        storage::options o;
        o.path = d / "localca.db";
        o.durable = false;
        return o;
    }
};

} // namespace localca::test
