#include "storage/read_pool.hpp"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

namespace localca::storage {

namespace {

// A statement of a pooled_connection: the borrowed connection's own cached statement, held (with
// the connection) until this goes away.
class pooled_statement final : public statement {
public:
    pooled_statement(pooled_connection& owner, std::string_view sql) : m_owner(owner) {
        connection& real = owner.use();
        try {
            m_handle.emplace(real, sql);
        } catch (...) {
            owner.unuse();
            throw;
        }
    }
    ~pooled_statement() override {
        m_handle.reset(); // resets the real statement before its connection goes back
        m_owner.unuse();
    }

    void bind(int index, std::int64_t value) override { (*m_handle)->bind(index, value); }
    void bind(int index, std::string_view value) override { (*m_handle)->bind(index, value); }
    void bind_blob(int index, std::span<const std::uint8_t> bytes) override {
        (*m_handle)->bind_blob(index, bytes);
    }
    void bind_null(int index) override { (*m_handle)->bind_null(index); }
    bool step() override { return (*m_handle)->step(); }
    std::int64_t exec() override { return (*m_handle)->exec(); }
    void exec_later() override { (*m_handle)->exec_later(); }
    bool is_null(int column) const override { return (*m_handle)->is_null(column); }
    std::int64_t get_int64(int column) const override { return (*m_handle)->get_int64(column); }
    double get_double(int column) const override { return (*m_handle)->get_double(column); }
    std::string get_string(int column) const override { return (*m_handle)->get_string(column); }
    std::vector<std::uint8_t> get_blob(int column) const override {
        return (*m_handle)->get_blob(column);
    }
    void reset() override { (*m_handle)->reset(); }
    void clear_bindings() override { (*m_handle)->clear_bindings(); }

private:
    pooled_connection& m_owner;
    std::optional<statement_handle> m_handle;
};

} // namespace

read_pool::read_pool(const options& opts)
    : m_options(opts), m_size(std::max<std::size_t>(1, opts.postgres.pool_size)) {}

read_pool::~read_pool() = default;

connection& read_pool::borrow() {
    std::unique_lock lock(m_mutex);
    const auto deadline = std::chrono::steady_clock::now() + m_options.postgres.statement_timeout;
    const auto can_go = [this] { return !m_idle.empty() || m_all.size() + m_opening < m_size; };
    if (!m_returned.wait_until(lock, deadline, can_go)) {
        throw database_error(database_error::category::unavailable,
                             "all " + std::to_string(m_size) +
                                 " read connections (storage.postgres.poolSize) stayed busy for "
                                 "the statement timeout");
    }
    if (!m_idle.empty()) {
        connection* c = m_idle.back();
        m_idle.pop_back();
        return *c;
    }
    // Connecting takes a round trip or more: not under the lock, but counted against the size.
    ++m_opening;
    lock.unlock();
    std::unique_ptr<connection> fresh;
    try {
        fresh = open_connection(m_options);
        // One prepared statement per SQL text for the connection's life, whoever borrows it.
        fresh->set_caching(true);
    } catch (...) {
        lock.lock();
        --m_opening;
        m_returned.notify_one();
        throw;
    }
    lock.lock();
    --m_opening;
    m_all.push_back(std::move(fresh));
    return *m_all.back();
}

void read_pool::give_back(connection& c) {
    {
        std::lock_guard lock(m_mutex);
        m_idle.push_back(&c);
    }
    m_returned.notify_one();
}

std::size_t read_pool::opened() const {
    std::lock_guard lock(m_mutex);
    return m_all.size();
}

pooled_connection::~pooled_connection() {
    if (m_borrowed == nullptr) {
        return;
    }
    if (m_borrowed->in_transaction()) {
        try {
            m_borrowed->rollback();
        } catch (...) {
            // The connection resets itself on its next use.
        }
    }
    m_pool.give_back(*m_borrowed);
}

connection& pooled_connection::use() {
    if (m_borrowed == nullptr) {
        m_borrowed = &m_pool.borrow();
    }
    ++m_users;
    return *m_borrowed;
}

void pooled_connection::unuse() {
    if (--m_users == 0) {
        connection* c = m_borrowed;
        m_borrowed = nullptr;
        m_pool.give_back(*c);
    }
}

connection& pooled_connection::borrowed(std::string_view what) {
    if (m_borrowed == nullptr || !m_transaction) {
        throw database_error(database_error::category::other,
                             std::string(what) + " outside a read transaction");
    }
    return *m_borrowed;
}

void pooled_connection::exec_script(std::string_view sql) {
    connection& c = use();
    try {
        c.exec_script(sql);
    } catch (...) {
        unuse();
        throw;
    }
    unuse();
}

void pooled_connection::begin_write() {
    throw database_error(database_error::category::other,
                         "a read connection does not write: use the store's writer");
}

void pooled_connection::begin_read() {
    if (m_transaction) {
        throw database_error(database_error::category::other, "BEGIN inside a transaction");
    }
    connection& c = use();
    try {
        c.begin_read();
    } catch (...) {
        unuse();
        throw;
    }
    m_transaction = true; // keeps the connection borrowed until commit() or rollback()
}

void pooled_connection::commit() {
    connection& c = borrowed("COMMIT");
    try {
        c.commit();
    } catch (...) {
        if (!c.in_transaction()) {
            m_transaction = false;
            unuse();
        }
        throw;
    }
    m_transaction = false;
    unuse();
}

void pooled_connection::rollback() {
    if (!m_transaction) {
        return; // as the backends: a ROLLBACK outside a transaction does nothing
    }
    connection& c = *m_borrowed;
    m_transaction = false;
    try {
        c.rollback();
    } catch (...) {
        unuse();
        throw;
    }
    unuse();
}

void pooled_connection::savepoint(std::string_view name) {
    borrowed("SAVEPOINT").savepoint(name);
}

void pooled_connection::release(std::string_view name) {
    borrowed("RELEASE").release(name);
}

void pooled_connection::rollback_to(std::string_view name) {
    borrowed("ROLLBACK TO").rollback_to(name);
}

bool pooled_connection::in_transaction() const {
    return m_transaction && m_borrowed != nullptr && m_borrowed->in_transaction();
}

std::unique_ptr<statement> pooled_connection::prepare(std::string_view sql) {
    return std::make_unique<pooled_statement>(*this, sql);
}

} // namespace localca::storage
