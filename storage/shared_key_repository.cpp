#include "storage/shared_key_repository.hpp"

#include "storage/sql_helpers.hpp"

namespace localca::storage {

std::optional<std::vector<std::uint8_t>> find_shared_key(connection& db, std::string_view name) {
    statement_handle q(db, "SELECT content FROM shared_keys WHERE name = ?");
    q->bind(1, name);
    if (!q->step()) {
        return std::nullopt;
    }
    return q->get_blob(0);
}

bool insert_shared_key(connection& db, std::string_view name,
                       const std::vector<std::uint8_t>& content) {
    statement_handle q(db, "INSERT INTO shared_keys (name, content) VALUES (?, ?) "
                           "ON CONFLICT (name) DO NOTHING RETURNING name");
    q->bind(1, name);
    q->bind_blob(2, content);
    return q->step();
}

} // namespace localca::storage
