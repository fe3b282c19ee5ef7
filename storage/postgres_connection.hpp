#pragma once
// The PostgreSQL side of the backend seam (storage/connection.hpp), over libpq
// (docs/scale-out.md, "PostgreSQL client library" says why libpq and not libpqxx).
//
// What a caller can count on beyond the seam's contract:
// - statements are server-side prepared statements, named per connection (s1, s2, ...), with
//   the seam's `?` / `?N` placeholders numbered $1..$n (quoted literals, quoted identifiers and
//   comments are left alone);
// - integers and text travel as text parameters, blobs as binary (bytea) parameters; results
//   come back in text format and bytea columns are decoded from PostgreSQL's hex output, so an
//   empty blob stays empty and a NULL stays NULL;
// - begin_write() takes the cluster-wide writer lock, pg_advisory_xact_lock(writer_lock_key),
//   released by COMMIT or ROLLBACK (never by hand);
// - after the connection broke (server restart, network), the next call resets it once; until the
//   server is back, every call fails with database_error::category::unavailable;
// - inside a transaction, SAVEPOINT, RELEASE and exec_later() are not waited for: they go out in
//   libpq's pipeline mode together with the next statement that needs an answer (or flush(),
//   COMMIT), in one round trip. The writer's round trips per certificate were its bottleneck
//   (docs/scale-out.md, "Speed").
#include "storage/connection.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// libpq's handle types, declared here so that libpq-fe.h stays inside postgres_connection.cpp.
struct pg_conn;
struct pg_result;

namespace localca::storage {

// The key of the writer lock every node takes in begin_write(): "LocalCA\x01" as a big-endian
// 64-bit integer. Fixed and documented so that an operator can see it in pg_locks
// (locktype 'advisory', classid 0x4C6F6361 = 1282368353, objid 0x6C434101 = 1816346881) and no
// other application on the same database is likely to pick it.
inline constexpr std::int64_t writer_lock_key = 0x4C6F63616C434101;

// sql with the seam's placeholders rewritten for PostgreSQL: `?N` becomes $N, and a bare `?`
// becomes $(largest number so far + 1), SQLite's own rule, so `?`, `?1` and mixtures number the
// same way on both backends. `?` inside '...' literals, "..." identifiers, -- and /* */ comments
// is text and stays. parameters (if given) receives the highest number used.
std::string number_placeholders(std::string_view sql, int* parameters = nullptr);

class postgres_connection final : public connection {
public:
    explicit postgres_connection(const postgres_options& opts);
    ~postgres_connection() override;
    postgres_connection(const postgres_connection&) = delete;
    postgres_connection& operator=(const postgres_connection&) = delete;

    storage::backend kind() const override { return storage::backend::postgres; }

    void exec_script(std::string_view sql) override;
    void begin_write() override;
    void begin_read() override;
    void commit() override;
    void rollback() override;
    void savepoint(std::string_view name) override;
    void release(std::string_view name) override;
    void rollback_to(std::string_view name) override;
    bool in_transaction() const override;
    void flush() override;

    std::unique_ptr<statement> prepare(std::string_view sql) override;

    // For the statements of this connection (postgres_connection.cpp): the live handle, reset
    // first if it broke; the check of a result, which throws a classified database_error; the
    // session count, bumped by every reset (statements prepared before it are gone on the
    // server); and the end of a prepared statement, deallocated on the server at the next
    // prepare().
    pg_conn* handle();
    void check(const pg_result* result, std::string_view what);
    std::uint64_t session() const { return m_session; }
    void forget(std::string name, std::uint64_t session);
    // The connection broke (the server restarted or went away): the next handle() resets it.
    bool broken() const;
    // Whether `result` (of a call that failed) says the session is gone: the connection broke, or
    // the server ended the session (shutdown, crash, restart), or libpq failed on the socket.
    bool session_lost(const pg_result* result) const;
    // A new session now (PQreset), for a call that found its session gone outside a transaction.
    // Throws database_error (unavailable) when the server does not answer.
    void reset_session();

    // Pipelining, inside a transaction: send_later() queues a command (send puts it on the wire,
    // returning libpq's 1 for success) whose answer nobody waits for. answer() sends one more
    // after the queued ones, waits for all of them in one round trip, throws the first failure
    // among the queued ones and returns the last one's result (owned by the caller, unchecked).
    using sender = std::function<int(pg_conn*)>;
    void send_later(const sender& send, std::string what);
    pg_result* answer(const sender& send, std::string_view what);
    bool pipelining() const { return !m_pending.empty(); }

private:
    // Reads the answers of the queued commands (and of `extra` sent after them) and leaves
    // pipeline mode; throws the first failure when report is set.
    pg_result* settle(bool report, bool extra = false);
    void configure_session();
    void run(std::string_view sql);
    void defer(std::string sql);
    void begin(std::string_view sql);
    void deallocate_forgotten();

    postgres_options m_options;
    pg_conn* m_conn = nullptr;
    std::uint64_t m_session = 0;
    std::uint64_t m_next_statement = 0;
    // The server's transaction state after our last call, to tell whether a broken connection
    // took an open transaction with it.
    bool m_open = false;
    // A transaction was open when the connection broke: until rollback() (or a new begin), every
    // call fails, so that no statement of the caller's transaction runs in autocommit on the
    // fresh session that the reset gave.
    bool m_lost = false;
    std::vector<std::string> m_forgotten;
    std::vector<std::string> m_pending; // the SQL of each command sent and not yet answered
};

// Opens a connection to opts.postgres.url with statement_timeout and application_name 'localca'.
// Throws database_error (unavailable) when the server cannot be reached.
std::unique_ptr<connection> open_postgres_connection(const options& opts);

} // namespace localca::storage
