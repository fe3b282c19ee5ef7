#include "storage/store.hpp"

#include "storage/connection.hpp"
#include "storage/database.hpp"
#include "storage/read_pool.hpp"

#include <unistd.h>

#include <atomic>
#include <set>
#include <string>
#include <unordered_map>

namespace localca::storage {

namespace {

// Store ids are never reused, so an entry a thread cached for a store that has since been
// destroyed can never be mistaken for a live store's connection: it is only ever erased.
std::atomic<std::uint64_t> g_next_store_id{1};

// Ids of the stores alive now, so that a thread caching a new connection can drop its dead entries
// (otherwise a long-lived thread would accumulate one entry per store it ever read from).
std::mutex g_live_mutex;
std::set<std::uint64_t> g_live_ids;

// Per thread: store id -> that store's connection for this thread (owned by the store).
thread_local std::unordered_map<std::uint64_t, connection*> t_readers;

// SQLite's ":memory:" gives every connection its own private database. A store needs its writer
// and readers to share one, so it names an in-memory database of the memdb VFS instead; the name
// is unique per store (and process: memdb names are process-wide).
// memdb rather than a shared-cache "mode=memory" database: shared cache reports a conflict as
// SQLITE_LOCKED at once, which the busy timeout does not cover, while memdb locks like a file.
std::string memory_uri(std::uint64_t id) {
    return "file:/localca-mem-" + std::to_string(::getpid()) + "-" + std::to_string(id) +
           "?vfs=memdb";
}

} // namespace

store::store(const options& opts) : m_options(opts), m_id(g_next_store_id.fetch_add(1)) {
    if (m_options.path == ":memory:") {
        // opts() then reports the name every connection opens, so that another component opening
        // open_connection(opts()) joins this store's database rather than a private empty one.
        m_options.path = memory_uri(m_id);
    }
    m_keepalive = open_connection(m_options);
    migrate(*m_keepalive);
    // An in-memory database lives as long as one connection to it; a file needs no keep-alive.
    if (m_options.path.string().rfind("file:", 0) != 0) {
        m_keepalive.reset();
    }
    m_writer = std::make_unique<storage::writer>(m_options);
    if (m_options.backend == backend::postgres) {
        m_pool = std::make_unique<read_pool>(m_options);
    }
    std::lock_guard lock(g_live_mutex);
    g_live_ids.insert(m_id);
}

store::~store() {
    {
        std::lock_guard lock(g_live_mutex);
        g_live_ids.erase(m_id);
    }
    m_writer->stop();
    // The readers close with m_readers, and the in-memory database with m_keepalive, after it.
}

std::size_t store::pooled_readers() const {
    return m_pool ? m_pool->opened() : 0;
}

connection& store::reader() {
    if (auto it = t_readers.find(m_id); it != t_readers.end()) {
        return *it->second;
    }
    std::unique_ptr<connection> db;
    if (m_pool) {
        // Not cached here: its statements borrow the pool's connections, which cache theirs.
        db = std::make_unique<pooled_connection>(*m_pool);
    } else {
        db = open_connection(m_options);
        // Reads only: a write here would bypass the writer's serialisation and group commit, so
        // make it fail loudly instead of racing the writer for the lock.
        db->exec_script("PRAGMA query_only = ON");
        db->set_caching(true);
    }
    connection* raw = db.get();
    {
        std::lock_guard lock(m_readers_mutex);
        m_readers.push_back(std::move(db));
    }
    {
        std::lock_guard lock(g_live_mutex);
        std::erase_if(t_readers,
                      [](const auto& entry) { return !g_live_ids.contains(entry.first); });
    }
    t_readers.emplace(m_id, raw);
    return *raw;
}

} // namespace localca::storage
