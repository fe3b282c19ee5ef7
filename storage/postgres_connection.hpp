#pragma once
// The PostgreSQL backend of the storage seam (storage/connection.hpp).
#include "storage/connection.hpp"

#include <memory>

namespace localca::storage {

// Opens a connection to opts.postgres.url with opts.postgres.statement_timeout. Does not migrate.
std::unique_ptr<connection> open_postgres_connection(const options& opts);

} // namespace localca::storage
