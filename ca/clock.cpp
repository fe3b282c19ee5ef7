#include "ca/clock.hpp"

#include <stdexcept>

namespace localca::ca {

std::int64_t clock::now_unix() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
}

std::int64_t clock::now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
}

// The one read of the operating system's wall clock (tests/lint/wall_clock_reads.sh).
clock::time_point real_clock::now() const {
    return std::chrono::system_clock::now();
}

const std::shared_ptr<const clock>& real_time() {
    static const std::shared_ptr<const clock> instance = std::make_shared<real_clock>();
    return instance;
}

settable_clock::settable_clock(time_point start) : m_since_epoch(start.time_since_epoch().count()) {}

clock::time_point settable_clock::now() const {
    return time_point(duration(m_since_epoch.load()));
}

void settable_clock::set(time_point t) {
    m_since_epoch.store(t.time_since_epoch().count());
}

void settable_clock::advance(duration d) {
    m_since_epoch.fetch_add(d.count());
}

offset_clock::offset_clock(std::shared_ptr<const clock> base, duration offset)
    : m_base(std::move(base)), m_offset(offset.count()) {
    if (!m_base) {
        throw std::invalid_argument("offset_clock without a base clock");
    }
}

clock::time_point offset_clock::now() const {
    return m_base->now() + duration(m_offset.load());
}

clock::time_point offset_clock::real_now() const {
    return m_base->real_now();
}

clock::duration offset_clock::offset() const {
    return duration(m_offset.load());
}

void offset_clock::set_offset(duration d) {
    m_offset.store(d.count());
}

void offset_clock::advance(duration d) {
    m_offset.fetch_add(d.count());
}

void offset_clock::set(time_point t) {
    m_offset.store((t - m_base->now()).count());
}

void offset_clock::reset() {
    m_offset.store(0);
}

} // namespace localca::ca
