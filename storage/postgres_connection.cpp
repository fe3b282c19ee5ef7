#include "storage/postgres_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <optional>

namespace localca::storage {

namespace {

using category = database_error::category;

// PostgreSQL's type oids that the text results need told apart (pg_type.h; stable since 7.x).
constexpr Oid bool_oid = 16;
constexpr Oid bytea_oid = 17;

struct result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// SQLSTATE classes (PostgreSQL manual, appendix A) to the seam's categories. What "unavailable"
// gathers is everything after which retrying on this server now would fail the same way, so the
// writer fails its whole group: the server gone or going (08, 57P0x), out of disk, memory or
// connections (53), an I/O error (58), a standby that refuses writes (25006), and a statement
// that ran past statement_timeout (57014, which is how an unreachable-but-not-refusing server
// shows up).
category classify(const char* sqlstate, bool connection_bad) {
    if (connection_bad) {
        return category::unavailable;
    }
    if (sqlstate == nullptr) {
        return category::other;
    }
    const std::string_view s(sqlstate);
    if (s.starts_with("23")) {
        return category::constraint;
    }
    if (s == "40001" || s == "40P01" || s == "55P03") {
        return category::busy;
    }
    if (s == "57014" || s == "25006" || s.starts_with("08") || s.starts_with("57P0") ||
        s.starts_with("53") || s.starts_with("58")) {
        return category::unavailable;
    }
    return category::other;
}

std::string quote_identifier(std::string_view name) {
    std::string quoted = "\"";
    for (char c : name) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + '"';
}

class postgres_statement final : public statement {
public:
    postgres_statement(postgres_connection& owner, std::string_view sql, std::string name)
        : m_owner(owner), m_name(std::move(name)) {
        int parameters = 0;
        m_sql = number_placeholders(sql, &parameters);
        m_params.resize(static_cast<std::size_t>(parameters));
        prepare_on_server();
    }
    ~postgres_statement() override { m_owner.forget(std::move(m_name), m_session); }

    void bind(int index, std::int64_t value) override {
        param(index) = {std::to_string(value), false};
    }
    void bind(int index, std::string_view value) override {
        param(index) = {std::string(value), false};
    }
    void bind_blob(int index, std::span<const std::uint8_t> bytes) override {
        // Binary format: the bytes as they are, no escaping. An empty blob is a non-null empty
        // value (std::string::data() is never null), which libpq sends as '' and not as NULL.
        param(index) = {std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                        true};
    }
    void bind_null(int index) override { param(index) = {}; }

    // A statement that has run to its end runs again on the next step() or exec(), as SQLite's
    // sqlite3_step does after SQLITE_DONE.
    bool step() override {
        if (!m_result || m_done) {
            execute();
            m_row = 0;
        } else {
            ++m_row;
        }
        m_done = m_row >= PQntuples(m_result.get());
        return !m_done;
    }

    std::int64_t exec() override {
        if (!m_result || m_done) {
            execute();
        }
        m_done = true;
        m_row = PQntuples(m_result.get()); // no current row, as after the last step()
        // Rows inserted, updated or deleted (also with RETURNING); 0 for a SELECT, as SQLite.
        if (std::string_view(PQcmdStatus(m_result.get())).starts_with("SELECT")) {
            return 0;
        }
        std::int64_t changed = 0;
        const std::string_view tuples = PQcmdTuples(m_result.get());
        std::from_chars(tuples.data(), tuples.data() + tuples.size(), changed);
        return changed;
    }

    bool is_null(int column) const override {
        check_column(column);
        return PQgetisnull(m_result.get(), m_row, column) != 0;
    }

    std::int64_t get_int64(int column) const override {
        if (is_null(column)) {
            return 0; // as SQLite's sqlite3_column_int64
        }
        const std::string_view text = value(column);
        if (PQftype(m_result.get(), column) == bool_oid) {
            return text == "t" ? 1 : 0; // a comparison's result: SQLite gives 1 or 0
        }
        std::int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size()) {
            return v;
        }
        // numeric (sum(), avg()) or a float: truncated, as SQLite converts a REAL.
        return static_cast<std::int64_t>(get_double(column));
    }

    double get_double(int column) const override {
        if (is_null(column)) {
            return 0.0;
        }
        const std::string text(value(column));
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        if (end == text.c_str()) {
            throw database_error(category::other,
                                 "column " + std::to_string(column) + " is not a number: " + text);
        }
        return v;
    }

    std::string get_string(int column) const override {
        if (is_null(column)) {
            return {};
        }
        if (PQftype(m_result.get(), column) == bytea_oid) {
            const auto bytes = decode_bytea(column);
            return std::string(bytes.begin(), bytes.end());
        }
        return std::string(value(column));
    }

    std::vector<std::uint8_t> get_blob(int column) const override {
        if (is_null(column)) {
            return {};
        }
        if (PQftype(m_result.get(), column) == bytea_oid) {
            return decode_bytea(column);
        }
        const std::string_view text = value(column); // SQLite hands a TEXT's bytes as a blob
        return std::vector<std::uint8_t>(text.begin(), text.end());
    }

    void reset() override {
        m_result.reset();
        m_row = -1;
        m_done = false;
    }

    void clear_bindings() override {
        for (auto& p : m_params) {
            p = {};
        }
    }

private:
    struct parameter {
        std::optional<std::string> value; // nullopt: NULL
        bool binary = false;
    };

    parameter& param(int index) {
        if (index < 1 || index > static_cast<int>(m_params.size())) {
            throw database_error(category::other, "bind index " + std::to_string(index) +
                                                      " out of range in: " + m_sql);
        }
        return m_params[static_cast<std::size_t>(index - 1)];
    }

    void prepare_on_server() {
        m_owner.flush(); // PQprepare waits for its answer: not inside a pipeline
        const auto prepare = [&] {
            return result_ptr(PQprepare(m_owner.handle(), m_name.c_str(), m_sql.c_str(),
                                        static_cast<int>(m_params.size()), nullptr));
        };
        const bool outside_transaction = !m_owner.in_transaction();
        result_ptr r = prepare();
        if (outside_transaction && m_owner.session_lost(r.get())) {
            // The first use of this SQL on a connection whose server restarted since its last
            // call: as in execute(), nothing of the caller's was open, so prepare once more on a
            // fresh session rather than fail the request (a worker's first request of a kind
            // after a restart would otherwise answer its API's internal error).
            m_owner.reset_session();
            r = prepare();
        }
        m_owner.check(r.get(), m_sql);
        m_session = m_owner.session();
    }

    // The bound parameters as libpq takes them (pointers into m_params).
    struct wire_parameters {
        std::vector<const char*> values;
        std::vector<int> lengths;
        std::vector<int> formats;
    };

    wire_parameters on_the_wire() const {
        wire_parameters w{std::vector<const char*>(m_params.size()),
                          std::vector<int>(m_params.size()), std::vector<int>(m_params.size())};
        for (std::size_t i = 0; i < m_params.size(); ++i) {
            const auto& p = m_params[i];
            w.values[i] = p.value ? p.value->data() : nullptr;
            w.lengths[i] = p.value ? static_cast<int>(p.value->size()) : 0;
            w.formats[i] = p.binary ? 1 : 0;
        }
        return w;
    }

    // Results in text format (resultFormat 0): integers and text need no per-type binary
    // decoding, and bytea comes as hex, decoded by decode_bytea.
    int send_prepared(PGconn* conn, const wire_parameters& w) const {
        return PQsendQueryPrepared(conn, m_name.c_str(), static_cast<int>(m_params.size()),
                                   w.values.data(), w.lengths.data(), w.formats.data(), 0);
    }

    void ready_on_server() {
        m_owner.handle(); // resets a broken connection once, which bumps the session
        if (m_session != m_owner.session()) {
            prepare_on_server(); // the reset ended the session and its prepared statements
        }
    }

    void exec_later() override {
        if (!m_owner.in_transaction()) {
            exec(); // autocommit: the caller expects it done when this returns
            return;
        }
        ready_on_server();
        const wire_parameters w = on_the_wire();
        m_owner.send_later([&](PGconn* conn) { return send_prepared(conn, w); }, m_sql);
        reset();
    }

    void execute() {
        ready_on_server();
        const wire_parameters w = on_the_wire();
        if (m_owner.pipelining()) {
            // Inside a transaction, after deferred commands: one round trip for all of them.
            result_ptr r(
                m_owner.answer([&](PGconn* conn) { return send_prepared(conn, w); }, m_sql));
            m_owner.check(r.get(), m_sql);
            m_result = std::move(r);
            return;
        }
        const auto run = [&] {
            return result_ptr(PQexecPrepared(m_owner.handle(), m_name.c_str(),
                                             static_cast<int>(m_params.size()), w.values.data(),
                                             w.lengths.data(), w.formats.data(), 0));
        };
        const bool outside_transaction = !m_owner.in_transaction();
        result_ptr r = run();
        if (outside_transaction && m_owner.session_lost(r.get())) {
            // The server restarted since this connection's last call: a statement outside a
            // transaction runs once more on a fresh session (handle() resets it), so the first
            // request after an outage does not fail on a connection that is already mendable.
            m_owner.reset_session();
            prepare_on_server();
            r = run();
        }
        m_owner.check(r.get(), m_sql);
        m_result = std::move(r);
    }

    void check_column(int column) const {
        if (!m_result || m_row < 0 || m_row >= PQntuples(m_result.get())) {
            throw database_error(category::other, "no current row in: " + m_sql);
        }
        if (column < 0 || column >= PQnfields(m_result.get())) {
            throw database_error(category::other,
                                 "column " + std::to_string(column) + " out of range in: " + m_sql);
        }
    }

    std::string_view value(int column) const {
        return {PQgetvalue(m_result.get(), m_row, column),
                static_cast<std::size_t>(PQgetlength(m_result.get(), m_row, column))};
    }

    // bytea's text output: hex ("\x0a0b", the default since 9.0) or the old escape format;
    // PQunescapeBytea reads both. An empty bytea is "\x", which decodes to no bytes.
    std::vector<std::uint8_t> decode_bytea(int column) const {
        std::size_t length = 0;
        unsigned char* bytes = PQunescapeBytea(
            reinterpret_cast<const unsigned char*>(PQgetvalue(m_result.get(), m_row, column)),
            &length);
        if (bytes == nullptr) {
            throw std::bad_alloc();
        }
        std::vector<std::uint8_t> out(bytes, bytes + length);
        PQfreemem(bytes);
        return out;
    }

    postgres_connection& m_owner;
    std::string m_name;
    std::string m_sql;
    std::uint64_t m_session = 0;
    std::vector<parameter> m_params;
    result_ptr m_result;
    int m_row = -1;
    bool m_done = false; // stepped past the last row, or exec()uted
};

} // namespace

std::string number_placeholders(std::string_view sql, int* parameters) {
    std::string out;
    out.reserve(sql.size() + 8);
    int highest = 0;
    std::size_t i = 0;
    // Copies sql[i] up to and including the first `close` after `from` (or to the end).
    const auto copy_until = [&](std::size_t from, std::string_view close) {
        const std::size_t end = sql.find(close, from);
        const std::size_t stop = end == std::string_view::npos ? sql.size() : end + close.size();
        out.append(sql.substr(i, stop - i));
        i = stop;
    };
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\'' || c == '"') {
            // A doubled quote inside ('it''s') closes and reopens: same result.
            copy_until(i + 1, std::string_view(&c, 1));
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            copy_until(i + 2, "\n");
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            copy_until(i + 2, "*/");
        } else if (c == '?') {
            std::size_t j = i + 1;
            while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') {
                ++j;
            }
            int number = highest + 1;
            if (j > i + 1) {
                std::from_chars(sql.data() + i + 1, sql.data() + j, number);
            }
            highest = std::max(highest, number);
            out += '$';
            out += std::to_string(number);
            i = j;
        } else {
            out += c;
            ++i;
        }
    }
    if (parameters != nullptr) {
        *parameters = highest;
    }
    return out;
}

postgres_connection::postgres_connection(const postgres_options& opts) : m_options(opts) {
    // application_name and connect_timeout come before the URL, so that the URL may override
    // them (a node named in pg_stat_activity: ?application_name=localca-2). connect_timeout
    // bounds a reset against a server that does not answer at all, like statement_timeout does
    // for statements.
    const std::string timeout =
        std::to_string(std::max<std::int64_t>(2, (opts.statement_timeout.count() + 999) / 1000));
    const char* keywords[] = {"application_name", "connect_timeout", "dbname", nullptr};
    const char* values[] = {"localca", timeout.c_str(), opts.url.c_str(), nullptr};
    m_conn = PQconnectdbParams(keywords, values, 1);
    if (m_conn == nullptr) {
        throw std::bad_alloc();
    }
    if (PQstatus(m_conn) != CONNECTION_OK) {
        const std::string message = PQerrorMessage(m_conn);
        PQfinish(m_conn);
        throw database_error(category::unavailable, "cannot connect to PostgreSQL: " + message);
    }
    try {
        configure_session();
    } catch (...) {
        PQfinish(m_conn);
        throw;
    }
}

postgres_connection::~postgres_connection() {
    // The cached statements first: they tell this connection they are gone.
    set_caching(false);
    PQfinish(m_conn);
}

void postgres_connection::configure_session() {
    // Notices (CREATE TABLE IF NOT EXISTS, ROLLBACK outside a transaction) are not news to the
    // caller; warnings and errors still reach stderr or the caller.
    run("SET client_min_messages = warning; SET statement_timeout = " +
        std::to_string(m_options.statement_timeout.count()));
}

PGconn* postgres_connection::handle() {
    if (broken()) {
        m_lost = m_lost || m_open;
        // Once per call: a node recovers by itself when the database returns, and a call while
        // it is away fails within connect_timeout instead of retrying in a loop.
        reset_session();
    }
    if (m_lost) {
        throw database_error(category::unavailable,
                             "the transaction was lost with the connection to PostgreSQL; "
                             "roll it back");
    }
    return m_conn;
}

bool postgres_connection::broken() const {
    return PQstatus(m_conn) == CONNECTION_BAD;
}

bool postgres_connection::session_lost(const PGresult* result) const {
    if (broken()) {
        return true;
    }
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        return false;
    }
    // The server ended the session (57P01 admin shutdown, 57P02/57P03 crash or starting, class 08
    // connection exceptions), or the error came from libpq itself (no SQLSTATE: the socket).
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (sqlstate == nullptr) {
        return true;
    }
    const std::string_view code(sqlstate);
    return code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03";
}

void postgres_connection::reset_session() {
    m_open = false;
    m_pending.clear();   // unanswered, and gone with the session's transaction
    m_forgotten.clear(); // went with the session
    PQreset(m_conn);
    if (PQstatus(m_conn) != CONNECTION_OK) {
        throw database_error(category::unavailable,
                             std::string("PostgreSQL unreachable: ") + PQerrorMessage(m_conn));
    }
    ++m_session;
    configure_session();
}

void postgres_connection::check(const PGresult* result, std::string_view what) {
    const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
    const bool bad = broken();
    if (bad) {
        m_lost = m_lost || m_open;
        m_open = false;
    } else {
        const auto tx = PQtransactionStatus(m_conn);
        m_open = tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR;
    }
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
        return;
    }
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = result ? PQresultErrorMessage(result) : PQerrorMessage(m_conn);
    while (!message.empty() && message.back() == '\n') {
        message.pop_back();
    }
    throw database_error(classify(sqlstate, bad), message + " [SQLSTATE " +
                                                      (sqlstate ? sqlstate : "none") +
                                                      "] in: " + std::string(what.substr(0, 200)));
}

void postgres_connection::forget(std::string name, std::uint64_t session) {
    if (session == m_session) {
        m_forgotten.push_back(std::move(name));
    }
}

void postgres_connection::deallocate_forgotten() {
    // Best effort, in one round trip, and only between transactions: a DEALLOCATE that failed
    // inside the caller's transaction would abort it. A failure only leaves names that the
    // session's end frees anyway.
    if (m_forgotten.empty() || PQstatus(m_conn) != CONNECTION_OK ||
        PQtransactionStatus(m_conn) != PQTRANS_IDLE) {
        return;
    }
    std::string sql;
    for (const auto& name : m_forgotten) {
        sql += "DEALLOCATE " + quote_identifier(name) + ";";
    }
    m_forgotten.clear();
    const result_ptr r(PQexec(m_conn, sql.c_str()));
}

void postgres_connection::send_later(const sender& send, std::string what) {
    // Bounded: the server answers each command while we are still sending, and neither side
    // reads before the sync; with too many answers queued both would block on full socket
    // buffers (libpq's pipeline deadlock). 128 answers are a few KiB; a bulk insert (the
    // bench's preload, migrate) still saves 127 round trips of 128.
    constexpr std::size_t most_unanswered = 128;
    if (m_pending.size() >= most_unanswered) {
        settle(true);
    }
    PGconn* conn = handle();
    if (PQpipelineStatus(conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn) != 1) {
        throw database_error(category::other,
                             std::string("cannot enter pipeline mode: ") + PQerrorMessage(conn));
    }
    if (send(conn) != 1) {
        const std::string message = PQerrorMessage(conn);
        settle(false);
        throw database_error(broken() ? category::unavailable : category::other,
                             message + " in: " + what.substr(0, 200));
    }
    m_pending.push_back(std::move(what));
}

PGresult* postgres_connection::answer(const sender& send, std::string_view what) {
    if (send(m_conn) != 1) {
        const std::string message = PQerrorMessage(m_conn);
        settle(false);
        throw database_error(broken() ? category::unavailable : category::other,
                             message + " in: " + std::string(what.substr(0, 200)));
    }
    m_pending.emplace_back(what);
    return settle(true, true);
}

PGresult* postgres_connection::settle(bool report, bool extra) {
    if (m_pending.empty() && PQpipelineStatus(m_conn) == PQ_PIPELINE_OFF) {
        return nullptr;
    }
    const std::vector<std::string> what = std::move(m_pending);
    m_pending.clear();
    const std::size_t none = what.size();
    std::size_t failed = none;
    result_ptr failure;
    result_ptr last;
    const bool synced = PQpipelineSync(m_conn) == 1;
    for (std::size_t i = 0; i < what.size(); ++i) {
        result_ptr r(PQgetResult(m_conn));
        if (!r) {
            failed = std::min(failed, i); // the connection broke: no more answers
            break;
        }
        while (PGresult* end = PQgetResult(m_conn)) { // a command's answer ends with a null
            PQclear(end);
        }
        const auto status = PQresultStatus(r.get());
        const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
        // Commands after a failure are skipped (PGRES_PIPELINE_ABORTED): the first one counts.
        if (!ok && status != PGRES_PIPELINE_ABORTED && failed == none) {
            failed = i;
            failure = std::move(r);
        } else if (i + 1 == what.size()) {
            last = std::move(r);
        }
    }
    if (synced && !broken()) {
        const result_ptr sync(PQgetResult(m_conn)); // PGRES_PIPELINE_SYNC
    }
    PQexitPipelineMode(m_conn);
    if (extra && failed + 1 == what.size()) {
        return failure.release(); // the caller's own command failed: its caller checks
    }
    if (failed != none) {
        if (report) {
            check(failure.get(), what[failed]); // throws: failure is not OK (or null)
        }
        try {
            check(failure.get(), what[failed]); // notes the transaction's state
        } catch (const database_error&) {
            // Not reported: the caller is rolling back anyway.
        }
        return nullptr;
    }
    if (!extra) {
        const auto tx = PQtransactionStatus(m_conn);
        m_open = tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR;
        return nullptr;
    }
    return last.release();
}

void postgres_connection::flush() {
    settle(true);
}

void postgres_connection::run(std::string_view sql) {
    settle(true); // PQexec waits for its answer: not inside a pipeline
    const std::string text(sql);
    const result_ptr r(PQexec(handle(), text.c_str()));
    check(r.get(), sql);
}

void postgres_connection::exec_script(std::string_view sql) {
    run(sql); // the simple query protocol runs several ';'-separated statements
}

void postgres_connection::begin(std::string_view sql) {
    m_lost = false; // a new transaction: the caller has given up the lost one
    // PostgreSQL only warns about a BEGIN inside a transaction and goes on in the old one;
    // SQLite refuses it, and so do we: it is the caller's bug either way.
    if (PQstatus(m_conn) == CONNECTION_OK && PQtransactionStatus(m_conn) != PQTRANS_IDLE) {
        throw database_error(category::other, "BEGIN inside a transaction");
    }
    try {
        const std::string text(sql);
        const result_ptr r(PQexec(handle(), text.c_str()));
        if (session_lost(r.get())) {
            // The server restarted since our last call and nothing was open: begin again on a
            // fresh session, as a statement outside a transaction does.
            reset_session();
            run(sql);
        } else {
            check(r.get(), sql);
        }
    } catch (const database_error&) {
        try {
            rollback();
        } catch (const database_error&) {
            // The first error is the one to report; a failed ROLLBACK leaves the session's
            // transaction state to the next call's reset.
        }
        throw;
    }
}

void postgres_connection::begin_write() {
    // One round trip. A lock wait longer than statement_timeout fails as unavailable.
    begin("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(writer_lock_key) + ")");
}

void postgres_connection::begin_read() {
    // One snapshot for the whole transaction, as an SQLite read transaction has.
    begin("BEGIN ISOLATION LEVEL REPEATABLE READ");
}

void postgres_connection::commit() {
    if (PQstatus(m_conn) == CONNECTION_OK && PQtransactionStatus(m_conn) == PQTRANS_INERROR) {
        // PostgreSQL answers COMMIT of a failed transaction with a ROLLBACK, not an error: a
        // caller that went on after an error must not take it for a commit.
        rollback();
        throw database_error(category::other, "COMMIT of a failed transaction: rolled back");
    }
    if (pipelining()) {
        // The deferred commands and the COMMIT in one round trip. A failure among them skips
        // the COMMIT and leaves the transaction failed, for the caller's rollback().
        const result_ptr r(answer(
            [](PGconn* conn) {
                return PQsendQueryParams(conn, "COMMIT", 0, nullptr, nullptr, nullptr, nullptr, 0);
            },
            "COMMIT"));
        check(r.get(), "COMMIT");
        return;
    }
    run("COMMIT");
}

void postgres_connection::rollback() {
    const bool gone = m_lost || PQstatus(m_conn) == CONNECTION_BAD;
    m_lost = false;
    m_open = false;
    if (gone) {
        m_pending.clear();
        return; // the server ended the transaction with the session
    }
    settle(false); // the rollback takes the deferred commands' writes back, failed or not
    run("ROLLBACK");
}

void postgres_connection::defer(std::string sql) {
    if (!in_transaction()) {
        run(sql); // fails as PostgreSQL says, outside a transaction
        return;
    }
    // Nothing waits for a SAVEPOINT or RELEASE to answer: they go with the next statement.
    send_later(
        [&](PGconn* conn) {
            return PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
        },
        sql);
}

void postgres_connection::savepoint(std::string_view name) {
    defer("SAVEPOINT " + quote_identifier(name));
}

void postgres_connection::release(std::string_view name) {
    defer("RELEASE SAVEPOINT " + quote_identifier(name));
}

void postgres_connection::rollback_to(std::string_view name) {
    settle(false); // the job failed already; its deferred commands are taken back here
    run("ROLLBACK TO SAVEPOINT " + quote_identifier(name));
}

bool postgres_connection::in_transaction() const {
    // A failed transaction (INERROR) is still open on the server and needs its ROLLBACK; a lost
    // one is "open" until the caller rolls it back, so that it does (see m_lost).
    if (m_lost) {
        return true;
    }
    const auto tx = PQtransactionStatus(m_conn);
    return tx == PQTRANS_INTRANS || tx == PQTRANS_INERROR || tx == PQTRANS_ACTIVE;
}

std::unique_ptr<statement> postgres_connection::prepare(std::string_view sql) {
    deallocate_forgotten();
    std::string name = std::to_string(++m_next_statement);
    name.insert(0, 1, 's'); // not "s" + ...: gcc 12 warns (-Wrestrict) on that falsely
    return std::make_unique<postgres_statement>(*this, sql, std::move(name));
}

std::unique_ptr<connection> open_postgres_connection(const options& opts) {
    return std::make_unique<postgres_connection>(opts.postgres);
}

} // namespace localca::storage
