#pragma once
// Pre-generated RSA-2048 key pairs for certificates whose key the server makes (AWS IoT's
// CreateKeysAndCertificate style). One RSA-2048 key takes tens of milliseconds of CPU; a
// background thread keeps up to `size` keys ready so that a burst of requests does not wait on
// key generation. The keys live in memory only: never written to disk, the database or a log.
#include <botan/rsa.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

namespace localca::ca::foundry {

class key_pool {
public:
    // size 0: no background thread, every take() generates its key on the calling thread.
    explicit key_pool(std::size_t size);
    ~key_pool(); // stops the filler (waits for the key it is generating, if any)

    key_pool(const key_pool&) = delete;
    key_pool& operator=(const key_pool&) = delete;

    // Starts the background filler. Idempotent and cheap, so callers may call it on every use:
    // a server that never serves such certificates never spends CPU on keys.
    void start();

    // A fresh key, never handed out twice: from the pool when one is ready, else generated on
    // the calling thread (worker threads only). Wakes the filler to replace it.
    std::unique_ptr<Botan::RSA_PrivateKey> take();

    // Keys ready now (for tests and logs).
    std::size_t ready() const;
    std::size_t capacity() const { return m_size; }

private:
    void fill();

    const std::size_t m_size;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::unique_ptr<Botan::RSA_PrivateKey>> m_keys;
    bool m_started = false;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace localca::ca::foundry
