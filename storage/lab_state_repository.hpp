#pragma once
// The lab_state row (schemas/011_lab_state.sql): whether lab mode is on and the time travel
// offset. Read by the server's clock poller and by the CLI, written through the writer (server)
// or the CLI's own writer.
#include "storage/connection.hpp"

#include <cstdint>

namespace localca::storage {

struct lab_state {
    bool enabled = false;
    std::int64_t offset_seconds = 0;
};

// The row; defaults when the table does not exist (a database of an older binary).
lab_state read_lab_state(connection& db);
void write_lab_enabled(connection& db, bool enabled);
void write_lab_offset(connection& db, std::int64_t offset_seconds);

} // namespace localca::storage
