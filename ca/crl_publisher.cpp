#include "ca/crl_publisher.hpp"

#include "ca/crl.hpp"
#include "storage/certificate_repository.hpp"
#include "storage/crl_state_repository.hpp"

#include <algorithm>
#include <iostream>
#include <stdexcept>

namespace localca::ca {

namespace {

std::chrono::system_clock::time_point from_unix(std::int64_t s) {
    return std::chrono::system_clock::time_point(std::chrono::seconds(s));
}

} // namespace

crl_publisher::crl_publisher(storage::store& store, std::shared_ptr<const ca::clock> clk,
                             authority_of signer, settings s)
    : m_store(store), m_clock(std::move(clk)), m_signer(std::move(signer)), m_settings(s) {
    if (!m_clock || !m_signer) {
        throw std::invalid_argument("crl_publisher needs a clock and the authorities");
    }
    m_thread = std::thread([this] { background(); });
}

crl_publisher::~crl_publisher() {
    {
        std::lock_guard lock(m_bg_mutex);
        m_stopping = true;
    }
    m_bg_cv.notify_all();
    m_thread.join();
}

bool crl_publisher::expired(std::int64_t this_update, std::int64_t now) const {
    // Re-signed once more than half of its validity has passed, so that what we serve always has
    // at least half of next_update before its nextUpdate.
    return this_update == 0 || (now - this_update) * 2 > m_settings.next_update.count();
}

std::vector<std::uint8_t> crl_publisher::current(authority_kind kind) {
    auto& s = slot_of(kind);
    const std::string name = to_string(kind);
    std::unique_lock lock(s.mutex);
    for (;;) {
        s.done.wait(lock, [&] { return !s.building; });
        // Read outside the lock: fetchers of a fresh CRL never wait for one another's SQL.
        lock.unlock();
        const auto state = storage::read_crl_state(m_store.reader(), name);
        const std::int64_t now = m_clock->now_unix();
        lock.lock();
        if (s.building) {
            continue; // someone started a build meanwhile: wait for it, then judge again
        }
        if (s.crl && s.crl->built_from >= state.revocations && s.crl->number >= state.crl_number &&
            !expired(s.crl->this_update, now)) {
            return *s.crl->der;
        }
        // Another process (or an earlier run of this one) may have stored a fresh CRL already.
        const bool stored_fresh =
            state.crl_number > 0 && state.crl_revocations >= state.revocations &&
            !expired(state.crl_this_update, now) && (!s.crl || state.crl_number > s.crl->number);
        s.building = true;
        lock.unlock();
        std::optional<cached> fresh;
        std::exception_ptr failure;
        try {
            if (auto der = stored_fresh ? stored_der(name, state) : std::nullopt) {
                fresh = cached{std::make_shared<const std::vector<std::uint8_t>>(std::move(*der)),
                               state.crl_number, state.crl_revocations, state.crl_this_update};
            } else {
                fresh = build(kind);
            }
        } catch (...) {
            failure = std::current_exception();
        }
        lock.lock();
        s.building = false;
        if (fresh) {
            s.crl = std::move(fresh);
        }
        s.done.notify_all();
        if (failure) {
            std::rethrow_exception(failure);
        }
        // Loop: check the new CRL against the counter once more (cheap) rather than trusting a
        // build that may have read the counter before a revocation this caller depends on.
        // A CRL built from state.revocations or later always passes.
        if (s.crl && s.crl->built_from >= state.revocations && !expired(s.crl->this_update, now)) {
            return *s.crl->der;
        }
    }
}

crl_publisher::cached crl_publisher::build(authority_kind kind) {
    const std::string name = to_string(kind);
    auto& db = m_store.reader();
    for (int attempt = 0; attempt < 8; ++attempt) {
        const auto t0 = std::chrono::steady_clock::now();
        // The counter first, then the entries: what is read can only include more revocations
        // than the counter says, never fewer.
        const auto state = storage::read_crl_state(db, name);
        std::vector<crl_entry> entries;
        const auto revoked = storage::revoked_of_authority(db, name);
        entries.reserve(revoked.size());
        for (const auto& r : revoked) {
            entries.push_back(crl_entry{r.sn, from_unix(r.revoked_at), r.reason});
        }
        const std::int64_t now = m_clock->now_unix();
        const std::int64_t number = state.crl_number + 1;
        auto der = std::make_shared<const std::vector<std::uint8_t>>(
            build_crl(m_signer(kind), entries, number, from_unix(now), m_settings.next_update));
        // The DER to the archive first, so that once the number is stored its bytes can be
        // found; the writer's job only moves the number (no blob through the writer).
        with_archive([&](storage::connection& a) {
            storage::put_crl_der(a, name, number, now, state.revocations, *der);
        });
        bool stored = false;
        m_store.writer().run([&](storage::connection& w) {
            stored = storage::store_next_crl(w, name, number, now, state.revocations);
        });
        if (stored) {
            with_archive([&](storage::connection& a) { storage::prune_crl_der(a, name, number); });
            ++m_builds;
            m_last_build_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - t0)
                                  .count();
            const auto ms =
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                    .count();
            std::cerr << "localca: CRL " << name << " #" << number << " built with "
                      << entries.size() << " entries in " << static_cast<long long>(ms) << " ms"
                      << std::endl;
            return cached{std::move(der), number, state.revocations, now};
        }
        // Another process stored CRL `number` first: build again on top of it.
    }
    throw std::runtime_error("could not store a CRL for " + name +
                             ": its number kept being taken by another process");
}

void crl_publisher::with_archive(const std::function<void(storage::connection&)>& use) {
    std::lock_guard lock(m_archive_mutex);
    try {
        if (!m_archive) {
            m_archive = storage::open_crl_archive(m_store.opts());
        }
        use(*m_archive);
    } catch (const std::exception& e) {
        // Not fatal: without its archived bytes a stored CRL is built again by whoever needs it.
        std::cerr << "localca: CRL archive: " << e.what() << std::endl;
        m_archive.reset(); // reopened on next use
    }
}

std::optional<std::vector<std::uint8_t>> crl_publisher::stored_der(const std::string& name,
                                                                   const storage::crl_state& s) {
    std::optional<std::vector<std::uint8_t>> der;
    with_archive([&](storage::connection& a) { der = storage::find_crl_der(a, name, s); });
    if (!der) {
        // init's first CRL, or one stored before the archive: still in table authorities. Cleared
        // by every later store, so a non-empty one is the stored number's (unless another
        // process stored meanwhile, which a later fetch sees from the counter).
        auto legacy = storage::stored_crl(m_store.reader(), name);
        if (!legacy.empty() &&
            storage::read_crl_state(m_store.reader(), name).crl_number == s.crl_number) {
            der = std::move(legacy);
        }
    }
    return der;
}

void crl_publisher::revoked() {
    ++m_generation;
    {
        std::lock_guard lock(m_bg_mutex);
        if (!m_due) {
            m_due = std::chrono::steady_clock::now() +
                    std::max(m_settings.debounce, std::chrono::milliseconds(m_last_build_ms.load() *
                                                                            m_settings.spacing));
        }
    }
    m_bg_cv.notify_all();
}

void crl_publisher::background() {
    std::unique_lock lock(m_bg_mutex);
    while (!m_stopping) {
        if (!m_due) {
            m_bg_cv.wait(lock);
            continue;
        }
        if (std::chrono::steady_clock::now() < *m_due) {
            m_bg_cv.wait_until(lock, *m_due);
            continue;
        }
        m_due.reset();
        lock.unlock();
        for (const auto kind : {authority_kind::rsa, authority_kind::ecc}) {
            try {
                current(kind); // builds only a stale one
            } catch (const std::exception& e) {
                // A fetch builds it then; the revocations themselves are committed.
                std::cerr << "localca: background CRL rebuild failed: " << e.what() << std::endl;
            }
        }
        lock.lock();
    }
}

} // namespace localca::ca
