#include "ca/uuid.hpp"

#include <boost/uuid/uuid_generators.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <array>
#include <cstdint>
#include <random>

#include <sys/random.h>

namespace localca::ca {

std::string random_uuid() {
    // Boost's random_generator draws from the OS entropy source (getrandom) and sets the v4 and
    // variant bits. One per thread because it is not thread-safe.
    thread_local boost::uuids::random_generator generator;
    return boost::uuids::to_string(generator());
}

namespace {

// xoshiro256** (Blackman and Vigna): 256 bits of state, period 2^256 - 1, passes BigCrush.
// Chosen over Botan's ChaCha RNG because a request id needs uniqueness, not secrecy, and this
// is a handful of shifts per id.
class request_id_xoshiro {
public:
    request_id_xoshiro() {
        // Seeded once per thread from the OS: two threads, or two processes, start at unrelated
        // points of the sequence. 32 bytes never come back short from getrandom.
        if (::getrandom(m_state.data(), sizeof m_state, 0) !=
            static_cast<ssize_t>(sizeof m_state)) {
            std::random_device os; // no getrandom (old kernel): the library's own source
            for (auto& word : m_state) {
                word = (std::uint64_t{os()} << 32) | os();
            }
        }
        if ((m_state[0] | m_state[1] | m_state[2] | m_state[3]) == 0) {
            m_state[0] = 1; // the one state the generator never leaves
        }
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const std::uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::array<std::uint64_t, 4> m_state{};
};

} // namespace

std::string request_uuid() {
    thread_local request_id_xoshiro generator;
    std::uint64_t hi = generator.next();
    std::uint64_t lo = generator.next();
    hi = (hi & ~std::uint64_t{0xf000}) | 0x4000;                          // version 4
    lo = (lo & ~(std::uint64_t{0xc} << 60)) | (std::uint64_t{0x8} << 60); // RFC 4122 variant
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out(36, '-');
    std::size_t pos = 0;
    const auto put = [&](std::uint64_t word, int from_nibble, int count) {
        for (int i = from_nibble; i < from_nibble + count; ++i) {
            if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
                ++pos; // the dash already there
            }
            out[pos++] = k_hex[(word >> (60 - 4 * i)) & 0xf];
        }
    };
    put(hi, 0, 16);
    put(lo, 0, 16);
    return out;
}

} // namespace localca::ca
