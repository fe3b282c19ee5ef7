#include "storage/connection.hpp"

#include "storage/postgres_connection.hpp"
#include "storage/sqlite_connection.hpp"

#include <functional>
#include <unordered_map>

namespace localca::storage {

namespace {

// Heterogeneous lookup: a handle looks its SQL up as a string_view (usually a literal), so a hit
// (every call but the first per text) builds no std::string.
struct sql_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view sql) const noexcept {
        return std::hash<std::string_view>{}(sql);
    }
};

struct cache_entry {
    std::unique_ptr<statement> prepared;
    bool in_use = false;
};

} // namespace

// One per caching connection, touched only by the thread using that connection: no lock (the
// cache it replaces found a connection's statements through a process-wide mutex-guarded map).
// Nodes of an unordered_map never move, so a handle may keep a pointer to its entry's flag.
struct connection::cache {
    std::unordered_map<std::string, cache_entry, sql_hash, std::equal_to<>> entries;
};

connection::connection() = default;

connection::~connection() = default;

void connection::set_caching(bool on) {
    m_caching = on;
    if (on && !m_cache) {
        m_cache = std::make_unique<cache>();
    } else if (!on) {
        // Finalizes the cached statements now: a backend closes its connection in its own
        // destructor, before this base class (and with it the cache) would go away.
        m_cache.reset();
    }
}

statement_handle::statement_handle(connection& owner, std::string_view sql) {
    if (owner.m_caching) {
        auto& entries = owner.m_cache->entries;
        auto it = entries.find(sql);
        if (it == entries.end()) {
            it = entries.emplace(std::string(sql), cache_entry{}).first;
        }
        cache_entry& e = it->second;
        // A statement already in use (the same query nested inside a loop over its own results)
        // gets a fresh one instead of being reset under its reader.
        if (!e.in_use) {
            if (!e.prepared) {
                e.prepared = owner.prepare(sql);
            }
            e.in_use = true;
            m_in_use = &e.in_use;
            m_statement = e.prepared.get();
            return;
        }
    }
    m_fresh = owner.prepare(sql);
    m_statement = m_fresh.get();
}

statement_handle::~statement_handle() {
    if (m_in_use == nullptr) {
        return; // m_fresh is finalized with this handle
    }
    // A SELECT left mid-result would keep its read snapshot (and with it an old view of SQLite's
    // WAL) open until the statement's next use.
    try {
        m_statement->reset();
        m_statement->clear_bindings();
    } catch (...) {
        // A backend's reset may report the last execution's error again; it is reset anyway.
    }
    *m_in_use = false;
}

std::unique_ptr<connection> open_connection(const options& opts) {
    switch (opts.backend) {
    case backend::sqlite:
        return std::make_unique<sqlite_connection>(opts);
    case backend::postgres:
        return open_postgres_connection(opts);
    }
    throw database_error(database_error::category::other, "unknown storage backend");
}

} // namespace localca::storage
