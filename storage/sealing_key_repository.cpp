#include "storage/sealing_key_repository.hpp"

#include "storage/sql_helpers.hpp"

#include <SQLiteCpp/Statement.h>

namespace localca::storage {

std::optional<sealing_key_row> find_sealing_key(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT kdf_memory_kib, kdf_passes, kdf_lanes, salt, wrapped "
                            "FROM sealing_key WHERE id = 1");
    if (!q.executeStep()) {
        return std::nullopt;
    }
    sealing_key_row r;
    r.kdf_memory_kib = q.getColumn(0).getInt64();
    r.kdf_passes = q.getColumn(1).getInt64();
    r.kdf_lanes = q.getColumn(2).getInt64();
    r.salt = sql::get_blob(q.getColumn(3));
    r.wrapped = sql::get_blob(q.getColumn(4));
    return r;
}

void store_sealing_key(SQLite::Database& db, const sealing_key_row& row) {
    SQLite::Statement q(db, "INSERT OR REPLACE INTO sealing_key "
                            "(id, kdf_memory_kib, kdf_passes, kdf_lanes, salt, wrapped) "
                            "VALUES (1, ?1, ?2, ?3, ?4, ?5)");
    q.bind(1, row.kdf_memory_kib);
    q.bind(2, row.kdf_passes);
    q.bind(3, row.kdf_lanes);
    sql::bind_blob(q, 4, row.salt);
    sql::bind_blob(q, 5, row.wrapped);
    q.exec();
}

} // namespace localca::storage
