#include "storage/sealing_key_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"

namespace localca::storage {

std::optional<sealing_key_row> find_sealing_key(connection& db) {
    statement_handle q(db, "SELECT kdf_memory_kib, kdf_passes, kdf_lanes, salt, wrapped "
                           "FROM sealing_key WHERE id = 1");
    if (!q->step()) {
        return std::nullopt;
    }
    sealing_key_row r;
    r.kdf_memory_kib = q->get_int64(0);
    r.kdf_passes = q->get_int64(1);
    r.kdf_lanes = q->get_int64(2);
    r.salt = q->get_blob(3);
    r.wrapped = q->get_blob(4);
    return r;
}

void store_sealing_key(connection& db, const sealing_key_row& row) {
    statement_handle q(db, "INSERT INTO sealing_key "
                           "(id, kdf_memory_kib, kdf_passes, kdf_lanes, salt, wrapped) "
                           "VALUES (1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET "
                           "kdf_memory_kib = excluded.kdf_memory_kib, "
                           "kdf_passes = excluded.kdf_passes, kdf_lanes = excluded.kdf_lanes, "
                           "salt = excluded.salt, wrapped = excluded.wrapped");
    q->bind(1, row.kdf_memory_kib);
    q->bind(2, row.kdf_passes);
    q->bind(3, row.kdf_lanes);
    q->bind_blob(4, row.salt);
    q->bind_blob(5, row.wrapped);
    q->exec();
}

} // namespace localca::storage
