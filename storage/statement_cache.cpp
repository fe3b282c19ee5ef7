#include "storage/statement_cache.hpp"

#include <memory>
#include <mutex>
#include <unordered_map>

namespace localca::storage {

namespace {

struct entry {
    std::unique_ptr<SQLite::Statement> statement;
    bool in_use = false;
};

using connection_cache = std::unordered_map<std::string, entry>;

// Connection handle -> its cache. The map itself is shared by all threads (attach/detach/lookup
// take the lock); each connection_cache is only touched by the thread using that connection.
std::mutex g_mutex;
std::unordered_map<sqlite3*, std::unique_ptr<connection_cache>> g_caches;

connection_cache* cache_of(SQLite::Database& db) {
    std::lock_guard lock(g_mutex);
    const auto it = g_caches.find(db.getHandle());
    return it == g_caches.end() ? nullptr : it->second.get();
}

} // namespace

void attach_statement_cache(SQLite::Database& db) {
    std::lock_guard lock(g_mutex);
    g_caches.try_emplace(db.getHandle(), std::make_unique<connection_cache>());
}

void detach_statement_cache(SQLite::Database& db) {
    std::unique_ptr<connection_cache> cache;
    {
        std::lock_guard lock(g_mutex);
        const auto it = g_caches.find(db.getHandle());
        if (it == g_caches.end()) {
            return;
        }
        cache = std::move(it->second);
        g_caches.erase(it);
    }
    // Statements finalize here, before the caller closes the connection.
}

cached_statement::cached_statement(SQLite::Database& db, const std::string& sql) {
    if (connection_cache* cache = cache_of(db)) {
        auto [it, inserted] = cache->try_emplace(sql);
        entry& e = it->second;
        // A statement already in use (the same query nested inside a loop over its own results)
        // gets a fresh one instead of being reset under its reader.
        if (!e.in_use) {
            if (!e.statement) {
                e.statement = std::make_unique<SQLite::Statement>(db, sql);
            }
            e.in_use = true;
            m_in_use = &e.in_use;
            m_statement = e.statement.get();
            return;
        }
    }
    m_fresh.emplace(db, sql);
    m_statement = &*m_fresh;
}

cached_statement::~cached_statement() {
    if (m_in_use != nullptr) {
        try {
            m_statement->reset();
            m_statement->clearBindings();
        } catch (...) {
            // reset() reports the error of the last step again; the statement is reset anyway.
        }
        *m_in_use = false;
    }
}

} // namespace localca::storage
