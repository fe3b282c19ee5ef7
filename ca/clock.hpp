#pragma once
// The one source of wall-clock time. Everything that decides by the date (notBefore and its
// clamps, expiry and status, CRL thisUpdate/nextUpdate, token lifetimes, audit times, renewal)
// asks a clock, never std::chrono::system_clock, so that tests can set the time instead of
// waiting and the lab can move it (time travel) for the whole server at once.
// Durations and timeouts use std::chrono::steady_clock directly: they must not jump.
//
// Every implementation is thread-safe: one clock is read from network, worker and writer threads.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace localca::ca {

class clock {
public:
    using time_point = std::chrono::system_clock::time_point;
    using duration = std::chrono::system_clock::duration;

    virtual ~clock() = default;
    // The time the CA decides by.
    virtual time_point now() const = 0;
    // The time outside any time travel: what the clients' own clocks show. Only the freshness
    // checks of timestamps a client sends (request signatures) compare with it, so that a device
    // under test keeps talking to a server whose clock the lab moved. Same as now() unless the
    // clock is shifted.
    virtual time_point real_now() const { return now(); }

    // now() in whole Unix seconds (the database's unit) and milliseconds (API timestamps).
    std::int64_t now_unix() const;
    std::int64_t now_ms() const;
};

// The operating system's time.
class real_clock final : public clock {
public:
    time_point now() const override;
};

// The process's real clock: the default of the engine, and what reads time that must stay real
// whatever the lab does (log lines).
const std::shared_ptr<const clock>& real_time();

// Stands still until told otherwise: for tests, which set or advance it instead of sleeping.
class settable_clock final : public clock {
public:
    explicit settable_clock(time_point start);
    time_point now() const override;
    void set(time_point t);
    void advance(duration d);

private:
    std::atomic<duration::rep> m_since_epoch;
};

// Another clock (the real one by default) shifted by an offset that can change while the server
// runs: the base of the lab's time travel. The offset moves atomically, so a reader sees the old
// or the new time, never a torn one.
class offset_clock final : public clock {
public:
    explicit offset_clock(std::shared_ptr<const clock> base = real_time(),
                          duration offset = duration::zero());
    time_point now() const override;
    time_point real_now() const override; // the base's time

    duration offset() const;
    void set_offset(duration d);
    void advance(duration d); // offset += d
    void set(time_point t);   // offset such that now() is t at this moment
    void reset();             // offset 0: the base's time again

private:
    std::shared_ptr<const clock> m_base;
    std::atomic<duration::rep> m_offset;
};

} // namespace localca::ca
