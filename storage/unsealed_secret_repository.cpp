#include "storage/unsealed_secret_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"

namespace localca::storage {

std::vector<unsealed_secret> list_unsealed_secrets(connection& db) {
    statement_handle q(db, "SELECT kind, row_id, value FROM unsealed_secrets "
                            "ORDER BY kind, row_id");
    std::vector<unsealed_secret> out;
    while (q->step()) {
        out.push_back(unsealed_secret{q->get_string(0), q->get_int64(1),
                                      q->get_blob(2)});
    }
    return out;
}

void clear_unsealed_secrets(connection& db) {
    db.exec_script("DELETE FROM unsealed_secrets");
}

} // namespace localca::storage
