#pragma once
// The numbered SQL migrations in schemas/, compiled into the binary.
#include <string_view>
#include <vector>

namespace localca::schemas {

struct migration {
    int version;           // NNN of NNN_name.sql
    std::string_view name; // file name, for messages
    std::string_view sql;  // the whole script, applied in one transaction
};

// In ascending version order.
const std::vector<migration>& all_migrations();

} // namespace localca::schemas
