#include "storage/lab_state_repository.hpp"

#include "storage/sql_helpers.hpp"

namespace localca::storage {

lab_state read_lab_state(connection& db) {
    lab_state s;
    if (!sql::table_exists(db, "lab_state")) {
        return s;
    }
    statement_handle q(db, "SELECT enabled, offset_seconds FROM lab_state WHERE id = 1");
    if (q->step()) {
        s.enabled = q->get_int64(0) != 0;
        s.offset_seconds = q->get_int64(1);
    }
    return s;
}

void write_lab_enabled(connection& db, bool enabled) {
    statement_handle u(db, "UPDATE lab_state SET enabled = ? WHERE id = 1");
    u->bind(1, enabled ? 1 : 0);
    u->exec();
}

void write_lab_offset(connection& db, std::int64_t offset_seconds) {
    statement_handle u(db, "UPDATE lab_state SET offset_seconds = ? WHERE id = 1");
    u->bind(1, offset_seconds);
    u->exec();
}

} // namespace localca::storage
