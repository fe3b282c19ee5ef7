#pragma once
// The durable serial sequence shared by both authorities.
//
// Serials are handed out from blocks. A block [first, first + size) is reserved by a committed
// UPDATE of serial_sequence.next_free before any serial of it is used, so after a crash the
// unused rest of the block is skipped: serials can have gaps but never repeat, and every serial
// a process hands out is above every serial any earlier process handed out.
#include "storage/options.hpp"

#include "storage/connection.hpp"

#include <cstdint>
#include <mutex>

namespace localca::storage {

class store;

class serial_sequence {
public:
    // block_size serials are reserved per block (options.serial_block).
    serial_sequence(store& s, std::int64_t block_size);

    // Thread-safe. Strictly increasing within this process. Reserves a new block (one durable
    // write through the store's writer) when the current one is used up. Throws on I/O failure.
    // Not from inside a writer job: it waits on the writer (see writer::run).
    std::int64_t next();

private:
    store& m_store;
    std::int64_t m_block_size;
    std::mutex m_mutex;
    std::int64_t m_next = 0;  // next serial to hand out
    std::int64_t m_limit = 0; // first serial not in the reserved block
};

// Reserves [returned, returned + count) durably in the given transaction context. Used by the
// class above and by bulk loaders.
std::int64_t reserve_serials(connection& db, std::int64_t count);

} // namespace localca::storage
