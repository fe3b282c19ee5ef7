// The engine's lifetime: loading both authorities and the sealing key from an initialised data
// dir. Its work has files of its own: engine_init.cpp (creating a data dir), engine_issue.cpp,
// engine_revoke.cpp, engine_crl.cpp.
#include "ca/engine.hpp"

#include "ca/crl_publisher.hpp"
#include "ca/engine_detail.hpp"
#include "ca/key_store.hpp"
#include "ca/sealing_key.hpp"
#include "storage/authority_repository.hpp"
#include "storage/connection.hpp"

#include <stdexcept>

namespace localca::ca {

using engine_detail::k_kinds;
using engine_detail::stem_of;

engine::engine(const std::filesystem::path& data_dir, storage::store& store, const options& opts,
               std::shared_ptr<const ca::clock> clk)
    : m_options(opts), m_clock(std::move(clk)), m_store(store),
      m_serials(store, store.opts().serial_block) {
    if (!m_clock) {
        throw std::invalid_argument("engine without a clock");
    }
    const key_store keys(data_dir / "ca");
    const std::string pass = keys.passphrase(false);
    for (const auto kind : k_kinds) {
        const auto row = storage::find_authority(m_store.reader(), to_string(kind));
        if (!row) {
            throw std::runtime_error(std::string("the database has no ") + to_string(kind) +
                                     " authority: run init first");
        }
        Botan::X509_Certificate cert(row->cert_der);
        auto a = std::make_unique<authority>(kind, std::move(cert), keys.load(stem_of(kind), pass));
        (kind == authority_kind::rsa ? m_rsa : m_ecc) = std::move(a);
    }
    // After the keys, so that a wrong passphrase is reported as such by the key files first.
    m_secrets = open_sealing_key(m_store, pass);
    m_crls = std::make_unique<crl_publisher>(
        m_store, m_clock, [this](authority_kind kind) -> const authority& { return get(kind); },
        crl_publisher::settings{m_options.crl_next_update});
}

engine::~engine() {
    // Queued revoke/CRL jobs use this object: let the writer finish them before it goes away
    // (the queue is FIFO, so an empty job completes after every earlier one).
    try {
        m_store.writer().run([](storage::connection&) {});
    } catch (...) {
        // Writer already stopped (nothing can be pending) or we are on its thread.
    }
}

const authority& engine::get(authority_kind kind) const {
    return kind == authority_kind::rsa ? *m_rsa : *m_ecc;
}

std::optional<storage::certificate_row> engine::find_certificate(std::int64_t sn) {
    return storage::find_certificate(m_store.reader(), sn);
}

engine::database_health engine::check_database() {
    database_health h;
    h.backend = storage::to_string(m_store.opts().backend);
    try {
        storage::count_authorities(m_store.reader());
    } catch (const storage::database_error& e) {
        // Unreachable PostgreSQL, an unreadable SQLite file: the node cannot serve. Anything else
        // (a bug) is not a health answer and goes to the caller's catch point.
        h.ok = false;
        h.problem = e.what();
    }
    return h;
}

void engine::on_state_replaced(std::function<void()> refresh) {
    std::lock_guard lock(m_replaced_mutex);
    m_on_replaced.push_back(std::move(refresh));
}

void engine::state_replaced() {
    std::vector<std::function<void()>> subscribers;
    {
        std::lock_guard lock(m_replaced_mutex);
        subscribers = m_on_replaced;
    }
    for (const auto& refresh : subscribers) {
        refresh();
    }
}

} // namespace localca::ca
