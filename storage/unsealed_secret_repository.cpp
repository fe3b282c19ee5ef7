#include "storage/unsealed_secret_repository.hpp"

#include "storage/sql_helpers.hpp"

#include <SQLiteCpp/Statement.h>

namespace localca::storage {

std::vector<unsealed_secret> list_unsealed_secrets(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT kind, row_id, value FROM unsealed_secrets "
                            "ORDER BY kind, row_id");
    std::vector<unsealed_secret> out;
    while (q.executeStep()) {
        out.push_back(unsealed_secret{q.getColumn(0).getString(), q.getColumn(1).getInt64(),
                                      sql::get_blob(q.getColumn(2))});
    }
    return out;
}

void clear_unsealed_secrets(SQLite::Database& db) {
    db.exec("DELETE FROM unsealed_secrets");
}

} // namespace localca::storage
