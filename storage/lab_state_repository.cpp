#include "storage/lab_state_repository.hpp"

#include <SQLiteCpp/Statement.h>

namespace localca::storage {

lab_state read_lab_state(SQLite::Database& db) {
    lab_state s;
    if (!db.tableExists("lab_state")) {
        return s;
    }
    SQLite::Statement q(db, "SELECT enabled, offset_seconds FROM lab_state WHERE id = 1");
    if (q.executeStep()) {
        s.enabled = q.getColumn(0).getInt() != 0;
        s.offset_seconds = q.getColumn(1).getInt64();
    }
    return s;
}

void write_lab_enabled(SQLite::Database& db, bool enabled) {
    SQLite::Statement u(db, "UPDATE lab_state SET enabled = ? WHERE id = 1");
    u.bind(1, enabled ? 1 : 0);
    u.exec();
}

void write_lab_offset(SQLite::Database& db, std::int64_t offset_seconds) {
    SQLite::Statement u(db, "UPDATE lab_state SET offset_seconds = ? WHERE id = 1");
    u.bind(1, offset_seconds);
    u.exec();
}

} // namespace localca::storage
