#include "storage/serial_sequence.hpp"

#include "storage/store.hpp"

#include "storage/connection.hpp"

#include <limits>
#include <stdexcept>

namespace localca::storage {

namespace {

// The new next_free: count above the larger of next_free and every stored sn (CASE rather than
// the scalar max(a, b), which PostgreSQL spells GREATEST).
#define LOCALCA_RESERVE_HEAD                                                                       \
    "UPDATE serial_sequence SET next_free = CASE WHEN next_free > (SELECT coalesce(max(sn), 0) "   \
    "FROM certificates) THEN next_free ELSE (SELECT coalesce(max(sn), 0) + 1 FROM certificates) "  \
    "END + ?1 WHERE id = 1 RETURNING next_free - ?1, "
// The second column says whether the result is still an integer: SQLite turns an integer overflow
// into a REAL, which we refuse rather than store a float serial (typeof() is SQLite's). PostgreSQL
// raises "bigint out of range" instead, so there it is always 1.
constexpr const char* k_reserve_sqlite = LOCALCA_RESERVE_HEAD "typeof(next_free) = 'integer'";
constexpr const char* k_reserve_portable = LOCALCA_RESERVE_HEAD "1";
#undef LOCALCA_RESERVE_HEAD

} // namespace

serial_sequence::serial_sequence(store& s, std::int64_t block_size)
    : m_store(s), m_block_size(block_size) {
    if (block_size <= 0) {
        throw std::invalid_argument("serial_sequence: block size must be positive");
    }
}

std::int64_t serial_sequence::next() {
    std::lock_guard lock(m_mutex);
    if (m_next == m_limit) {
        // Reserved and committed before any serial of it is handed out; the other threads wait on
        // the mutex meanwhile, which costs one group commit per block_size serials.
        std::int64_t first = 0;
        m_store.writer().run([&](connection& db) { first = reserve_serials(db, m_block_size); });
        m_next = first;
        m_limit = first + m_block_size;
    }
    return m_next++;
}

std::int64_t reserve_serials(connection& db, std::int64_t count) {
    if (count <= 0) {
        throw std::invalid_argument("reserve_serials: count must be positive");
    }
    // One statement, so the read and the increment are atomic even outside an explicit
    // transaction. Starting above every stored sn is defensive: should next_free ever lag
    // behind the certificates (a restored backup, a hand edit), we skip rather than collide.
    statement_handle q(db, db.kind() == backend::sqlite ? k_reserve_sqlite : k_reserve_portable);
    q->bind(1, count);
    if (!q->step()) {
        throw std::runtime_error("reserve_serials: table serial_sequence has no row");
    }
    if (q->get_int64(1) != 1) {
        throw std::overflow_error("reserve_serials: the serial space is exhausted");
    }
    const std::int64_t result = q->get_int64(0);
    while (q->step()) {
    }
    return result;
}

} // namespace localca::storage
