#include "storage/serial_sequence.hpp"

#include "storage/store.hpp"

#include <SQLiteCpp/Statement.h>

#include <limits>
#include <stdexcept>

namespace localca::storage {

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
        m_store.writer().run(
            [&](SQLite::Database& db) { first = reserve_serials(db, m_block_size); });
        m_next = first;
        m_limit = first + m_block_size;
    }
    return m_next++;
}

std::int64_t reserve_serials(SQLite::Database& db, std::int64_t count) {
    if (count <= 0) {
        throw std::invalid_argument("reserve_serials: count must be positive");
    }
    // One statement, so the read and the increment are atomic even outside an explicit
    // transaction. Starting above every stored sn is defensive: should next_free ever lag
    // behind the certificates (a restored backup, a hand edit), we skip rather than collide.
    SQLite::Statement q(db, "UPDATE serial_sequence SET next_free = "
                            "max(next_free, (SELECT coalesce(max(sn), 0) + 1 FROM certificates)) "
                            "+ ?1 WHERE id = 1 RETURNING next_free - ?1");
    q.bind(1, count);
    if (!q.executeStep()) {
        throw std::runtime_error("reserve_serials: table serial_sequence has no row");
    }
    const SQLite::Column first = q.getColumn(0);
    // SQLite turns an integer overflow into a REAL: refuse it rather than store a float serial.
    if (first.getType() != SQLite::INTEGER) {
        throw std::overflow_error("reserve_serials: the serial space is exhausted");
    }
    const std::int64_t result = first.getInt64();
    while (q.executeStep()) {
    }
    return result;
}

} // namespace localca::storage
