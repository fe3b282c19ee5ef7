#pragma once
// Admission of requests to the handlers, so that one handler can run alone: a lab restore swaps
// the whole database under a running server (docs/lab.md, "Reset and snapshots"), and a request
// that read the old state and then wrote into the new one would mix the two. The writer alone
// cannot prevent that (reads do not go through it), hence the gate in front of every handler.
//
// Normally the gate is open and costs one mutex round per request. run_exclusive() closes it:
// new requests are parked (as closures, holding no thread), the requests already admitted
// finish, the function runs, the gate reopens and the parked requests start in arrival order.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

namespace localca::server {

class request_gate : public std::enable_shared_from_this<request_gate> {
public:
    // One admitted request. Releases its place when release() is called or it is destroyed.
    class ticket {
    public:
        explicit ticket(std::shared_ptr<request_gate> gate) : m_gate(std::move(gate)) {}
        ~ticket() { release(); }
        ticket(const ticket&) = delete;
        ticket& operator=(const ticket&) = delete;
        void release();

    private:
        std::shared_ptr<request_gate> m_gate;
        bool m_released = false; // only its request's threads touch it, one at a time
    };

    using start_fn = std::function<void(std::shared_ptr<ticket>)>;

    // Calls start(ticket) now or, while the gate is closed, once it reopens (on the thread that
    // reopens it). The request counts as in flight until its ticket is released.
    void admit(start_fn start);

    // Called from an admitted request holding `own` (may be null): releases it, then closes the
    // gate, waits up to `drain` for every admitted request to finish, runs fn alone and reopens.
    // False, with fn not run, when requests were still in flight after `drain`. Concurrent calls
    // run one after the other. fn's exceptions propagate after the gate has reopened.
    bool run_exclusive(ticket* own, std::chrono::milliseconds drain,
                       const std::function<void()>& fn);

    std::size_t in_flight() const;

private:
    void leave();
    void reopen(); // starts the parked requests

    mutable std::mutex m_mutex;
    std::condition_variable m_drained;
    std::size_t m_in_flight = 0;
    bool m_closed = false;
    std::deque<start_fn> m_parked;
    std::mutex m_exclusive; // one run_exclusive at a time
};

} // namespace localca::server
