#include "storage/authority_repository.hpp"

#include <SQLiteCpp/Statement.h>

#include <stdexcept>

namespace localca::storage {

namespace {

// sqlite3_bind_blob with a null pointer binds NULL, and an empty vector's data() may be null.
void bind_blob(SQLite::Statement& q, int index, const std::vector<std::uint8_t>& bytes) {
    static const std::uint8_t empty = 0;
    q.bind(index, bytes.empty() ? static_cast<const void*>(&empty) : bytes.data(),
           static_cast<int>(bytes.size()));
}

// No CRL yet is stored as NULL (the column's meaning), not as an empty blob.
void bind_crl(SQLite::Statement& q, int der_index, int this_update_index,
              const std::vector<std::uint8_t>& crl_der, std::int64_t this_update) {
    if (crl_der.empty()) {
        q.bind(der_index);
        q.bind(this_update_index);
    } else {
        bind_blob(q, der_index, crl_der);
        q.bind(this_update_index, this_update);
    }
}

std::vector<std::uint8_t> get_blob(const SQLite::Column& c) {
    const auto* p = static_cast<const std::uint8_t*>(c.getBlob());
    return p ? std::vector<std::uint8_t>(p, p + c.getBytes()) : std::vector<std::uint8_t>{};
}

} // namespace

void insert_authority(SQLite::Database& db, const authority_row& row) {
    SQLite::Statement q(db, "INSERT INTO authorities (name, cert_der, crl_number, crl_der, "
                            "crl_this_update) VALUES (?, ?, ?, ?, ?) "
                            "ON CONFLICT (name) DO NOTHING");
    q.bind(1, row.name);
    bind_blob(q, 2, row.cert_der);
    q.bind(3, row.crl_number);
    bind_crl(q, 4, 5, row.crl_der, row.crl_this_update);
    q.exec();
}

std::optional<authority_row> find_authority(SQLite::Database& db, const std::string& name) {
    SQLite::Statement q(db, "SELECT name, cert_der, crl_number, crl_der, "
                            "coalesce(crl_this_update, 0) FROM authorities WHERE name = ?");
    q.bind(1, name);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    authority_row r;
    r.name = q.getColumn(0).getString();
    r.cert_der = get_blob(q.getColumn(1));
    r.crl_number = q.getColumn(2).getInt64();
    r.crl_der = get_blob(q.getColumn(3));
    r.crl_this_update = q.getColumn(4).getInt64();
    return r;
}

void update_crl(SQLite::Database& db, const std::string& name, std::int64_t crl_number,
                const std::vector<std::uint8_t>& crl_der, std::int64_t this_update) {
    SQLite::Statement q(db, "UPDATE authorities SET crl_number = ?, crl_der = ?, "
                            "crl_this_update = ? WHERE name = ?");
    q.bind(1, crl_number);
    bind_crl(q, 2, 3, crl_der, this_update);
    q.bind(4, name);
    // The authorities are created by init before anything can revoke: a missing one is a bug, and
    // silently dropping a CRL would leave revocations unpublished.
    if (q.exec() != 1) {
        throw std::logic_error("update_crl: no authority named '" + name + "'");
    }
}

} // namespace localca::storage
