#pragma once
// What the CRL publisher (ca/crl_publisher.hpp) reads and writes: in table authorities, the
// revocation counter the revoking transactions bump and the stored CRL's number, time and the
// counter value it was built from; in the CRL archive, the CRL's DER.
//
// The DER is kept out of table authorities (and out of the writer): SQLite rewrites a row as a
// whole, so with a 3.6 MB CRL in it every revocation's counter bump read, rebuilt and compared
// the whole blob inside the writer's transaction (~50 ms each at 100,000 entries), and every
// state read walked its overflow pages. The archive is a database of its own on SQLite (a file
// beside the main one: its lock and WAL never block the writer) and a table written on its own
// connection on PostgreSQL (row locks only). It is a cache of signed bytes: an entry that is
// missing (a crash, a restored backup) only makes the next fetch build the CRL again.
#include "storage/connection.hpp"
#include "storage/options.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace localca::storage {

// One primary-key read, without the CRL blob: cheap enough for every CRL fetch.
struct crl_state {
    std::int64_t revocations = 0;     // revocations committed so far (authorities.revocations)
    std::int64_t crl_revocations = 0; // the counter value the stored CRL was built from
    std::int64_t crl_number = 0;
    std::int64_t crl_this_update = 0; // unix seconds, 0 when there is no CRL
};

// Throws std::logic_error when the authority does not exist (init creates both).
crl_state read_crl_state(connection& db, const std::string& authority);

// Adds `count` to the authority's revocation counter. Runs in the revoking transaction, so that
// the counter and the status change commit together.
void count_revocations(connection& db, const std::string& authority, std::int64_t count = 1);

// Records CRL `crl_number` as the stored one (its DER goes to the archive first: put_crl_der)
// only if the stored one is numbered crl_number - 1, so that the cRLNumber only grows even with
// several processes building. Returns false (and writes nothing) when another CRL took that
// number first. Clears the legacy DER column, so that the row stays small.
bool store_next_crl(connection& db, const std::string& authority, std::int64_t crl_number,
                    std::int64_t this_update, std::int64_t built_from_revocations);

// The DER kept in table authorities itself (empty if none): the CRL `init` made, or one stored
// before the archive existed. When not empty it is the CRL numbered crl_state::crl_number.
std::vector<std::uint8_t> stored_crl(connection& db, const std::string& authority);

// The CRL archive's connection for a store opened with `opts` (see the top of this file): on
// SQLite the file "<database stem>-crls.db" beside the database (a private in-memory one for an
// in-memory store), on PostgreSQL a new connection to the same database. Creates the table.
std::unique_ptr<connection> open_crl_archive(const options& opts);

// Keeps the DER of CRL `crl_number` (replacing an entry of that number: a restored backup may
// leave one behind). Call before store_next_crl.
void put_crl_der(connection& archive, const std::string& authority, std::int64_t crl_number,
                 std::int64_t this_update, std::int64_t built_from_revocations,
                 const std::vector<std::uint8_t>& der);

// The archived DER of the stored CRL `s` describes, if the archive has exactly that one: same
// number, thisUpdate and counter. (Two processes building the same number both archive it and
// only one is stored: the other's entry, built from another counter, must not be served.)
std::optional<std::vector<std::uint8_t>>
find_crl_der(connection& archive, const std::string& authority, const crl_state& s);

// Drops archived CRLs numbered below `crl_number` (superseded).
void prune_crl_der(connection& archive, const std::string& authority, std::int64_t crl_number);

} // namespace localca::storage
