// Placeholder until the PostgreSQL backend lands: this file is replaced by the real one (same
// declaration, storage/postgres_connection.hpp), so that no other file changes when it does.
#include "storage/postgres_connection.hpp"

namespace localca::storage {

std::unique_ptr<connection> open_postgres_connection(const options&) {
    throw database_error(database_error::category::other, "built without PostgreSQL");
}

} // namespace localca::storage
