#include "storage/unsealed_secret_repository.hpp"

#include "storage/sql_helpers.hpp"

#include <string>

namespace localca::storage {

std::vector<unsealed_secret> list_unsealed_secrets(connection& db) {
    statement_handle q(db, "SELECT kind, row_id, value FROM unsealed_secrets "
                           "ORDER BY kind, row_id");
    std::vector<unsealed_secret> out;
    while (q->step()) {
        out.push_back(unsealed_secret{q->get_string(0), q->get_int64(1), q->get_blob(2)});
    }
    return out;
}

void clear_unsealed_secrets(connection& db) {
    db.exec_script("DELETE FROM unsealed_secrets");
}

void seal_unsealed_secrets(connection& db,
                           const std::function<void(connection&, const unsealed_secret&)>& seal) {
    const bool sqlite = db.kind() == backend::sqlite;
    const std::int64_t previous = sqlite ? sql::query_int64(db, "PRAGMA secure_delete") : 0;
    if (sqlite) {
        db.exec_script("PRAGMA secure_delete = ON");
    }
    for (const auto& clear : list_unsealed_secrets(db)) {
        seal(db, clear);
    }
    clear_unsealed_secrets(db);
    if (sqlite) {
        db.exec_script("PRAGMA secure_delete = " + std::to_string(previous));
    }
}

void drop_logged_clear_secrets(connection& db) {
    if (db.kind() == backend::sqlite) {
        db.exec_script("PRAGMA wal_checkpoint(TRUNCATE)");
    }
}

} // namespace localca::storage
