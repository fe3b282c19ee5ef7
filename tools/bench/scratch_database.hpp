#pragma once
// --storage URL: a PostgreSQL database of one bench target's own, created on the server URL names
// and dropped (with any connection still open) when the object goes, so that a benchmark never
// reads or writes a database that holds anything else.
#include <string>

namespace localca::bench {

class scratch_database {
public:
    // Throws storage::database_error when the server refuses (no CREATEDB right, unreachable).
    explicit scratch_database(const std::string& server_url);
    ~scratch_database();
    scratch_database(const scratch_database&) = delete;
    scratch_database& operator=(const scratch_database&) = delete;

    // server_url with the database name replaced by this database's.
    const std::string& url() const { return m_url; }

private:
    std::string m_server_url;
    std::string m_name;
    std::string m_url;
};

// `url` with its database name (the path after the authority) replaced by `name`; query
// parameters are kept. Throws std::invalid_argument for a URL that is not postgres(ql)://...
std::string with_database(const std::string& url, const std::string& name);

} // namespace localca::bench
