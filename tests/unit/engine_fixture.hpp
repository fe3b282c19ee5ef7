#pragma once
// The domain services' fixture: a real store in a temp dir and an initialised engine over it
// (both authorities, the sealing key), and a way to wait for an asynchronous completion.
#include "ca/engine.hpp"
#include "storage/connection.hpp"
#include "storage/store.hpp"

#include "test_support.hpp"

#include <functional>
#include <future>
#include <memory>
#include <string>

namespace localca::test {

struct engine_fixture {
    temp_dir dir;
    std::unique_ptr<storage::store> store;
    std::unique_ptr<ca::engine> engine;

    engine_fixture() {
        storage::options so;
        so.path = dir / "localca.db";
        so.durable = false;
        store = std::make_unique<storage::store>(so);
        ca::engine::initialize(dir.path(), *store, {});
        engine = std::make_unique<ca::engine>(dir.path(), *store, ca::options{});
    }
    ~engine_fixture() {
        engine.reset();
        store.reset();
    }

    void write(const std::function<void(storage::connection&)>& job) { store->writer().run(job); }

    std::int64_t audit_count(const std::string& action) {
        storage::statement_handle q(store->reader(), "SELECT count(*) FROM audit WHERE action = ?");
        q->bind(1, action);
        q->step();
        return q->get_int64(0);
    }
};

// Starts an asynchronous call with a completion of R and waits for that completion.
template <class R> R wait_for(const std::function<void(std::function<void(R)>)>& start) {
    std::promise<R> p;
    auto f = p.get_future();
    start([&p](R r) { p.set_value(std::move(r)); });
    return f.get();
}

} // namespace localca::test
