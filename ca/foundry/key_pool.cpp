#include "ca/foundry/key_pool.hpp"

#include "ca/authority.hpp"

#include <iostream>

namespace localca::ca::foundry {

namespace {

constexpr std::size_t k_bits = 2048;

std::unique_ptr<Botan::RSA_PrivateKey> generate() {
    // thread_rng(): Botan's AutoSeeded_RNG is not thread-safe, each thread has its own.
    return std::make_unique<Botan::RSA_PrivateKey>(thread_rng(), k_bits);
}

} // namespace

key_pool::key_pool(std::size_t size) : m_size(size) {}

key_pool::~key_pool() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void key_pool::start() {
    if (m_size == 0) {
        return;
    }
    std::lock_guard lock(m_mutex);
    if (m_started || m_stopping) {
        return;
    }
    m_started = true;
    m_thread = std::thread([this] { fill(); });
}

std::unique_ptr<Botan::RSA_PrivateKey> key_pool::take() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_keys.empty()) {
            auto key = std::move(m_keys.front());
            m_keys.pop_front();
            m_cv.notify_all();
            return key;
        }
    }
    return generate();
}

std::size_t key_pool::ready() const {
    std::lock_guard lock(m_mutex);
    return m_keys.size();
}

void key_pool::fill() {
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [this] { return m_stopping || m_keys.size() < m_size; });
            if (m_stopping) {
                return;
            }
        }
        // Generated outside the lock: take() must never wait for a key being made.
        std::unique_ptr<Botan::RSA_PrivateKey> key;
        try {
            key = generate();
        } catch (const std::exception& e) {
            // Should never happen (RNG failure); take() still generates inline, so the pool
            // only loses its head start. Say it once and stop filling.
            std::cerr << "localca key pool: key generation failed, pool disabled: " << e.what()
                      << std::endl;
            return;
        }
        std::lock_guard lock(m_mutex);
        m_keys.push_back(std::move(key));
    }
}

} // namespace localca::ca::foundry
