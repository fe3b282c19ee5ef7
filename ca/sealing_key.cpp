#include "ca/sealing_key.hpp"

#include "ca/argon2id.hpp"
#include "ca/authority.hpp"
#include "storage/database.hpp"
#include "storage/sealing_key_repository.hpp"
#include "storage/unsealed_secret_repository.hpp"

#include <botan/pwdhash.h>

#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace localca::ca {

namespace {

// The Argon2id cost is paid once per start. Stored in the row, so that stronger parameters can
// come later without a migration.
constexpr std::size_t k_salt_bytes = 16;
constexpr const char* k_wrap_context = "localca-sealing-key";

secret_box derive(const std::string& passphrase, const storage::sealing_key_row& row) {
    const auto kdf = Botan::PasswordHashFamily::create_or_throw("Argon2id")
                         ->from_params(static_cast<std::size_t>(row.kdf_memory_kib),
                                       static_cast<std::size_t>(row.kdf_passes),
                                       static_cast<std::size_t>(row.kdf_lanes));
    Botan::secure_vector<std::uint8_t> key(k_secret_key_bytes);
    kdf->derive_key(key.data(), key.size(), passphrase.data(), passphrase.size(), row.salt.data(),
                    row.salt.size());
    return secret_box(key);
}

storage::sealing_key_row wrap(std::span<const std::uint8_t> data_key,
                              const std::string& passphrase) {
    storage::sealing_key_row row;
    row.kdf_memory_kib = static_cast<std::int64_t>(k_argon2id.memory_kib);
    row.kdf_passes = static_cast<std::int64_t>(k_argon2id.passes);
    row.kdf_lanes = static_cast<std::int64_t>(k_argon2id.lanes);
    row.salt.resize(k_salt_bytes);
    thread_rng().randomize(row.salt.data(), row.salt.size());
    row.wrapped = derive(passphrase, row).seal(data_key, k_wrap_context);
    return row;
}

// None when this passphrase does not open it (the expected outcome of a wrong passphrase).
std::optional<Botan::secure_vector<std::uint8_t>> unwrap(const storage::sealing_key_row& row,
                                                         const std::string& passphrase) {
    try {
        return derive(passphrase, row).open(row.wrapped, k_wrap_context);
    } catch (const secret_box_error&) {
        return std::nullopt;
    }
}

struct resealers {
    std::mutex mutex;
    std::map<std::string, resealer> by_kind;
};

resealers& registered() {
    static resealers r;
    return r;
}

void seal_in_row(storage::connection& db, const secret_box& box,
                 const storage::unsealed_secret& clear) {
    resealer fn;
    {
        auto& r = registered();
        const std::lock_guard lock(r.mutex);
        if (const auto it = r.by_kind.find(clear.kind); it != r.by_kind.end()) {
            fn = it->second;
        }
    }
    if (!fn) {
        throw std::runtime_error("unsealed_secrets has a row of unknown kind '" + clear.kind + "'");
    }
    fn(db, box, clear.row_id, clear.value);
}

// One-time upgrade of a database older than schema 5 (see schemas/005_sealed_secrets.sql).
void seal_old_clear_secrets(storage::store& store, const secret_box& box) {
    if (storage::list_unsealed_secrets(store.reader()).empty()) {
        return; // every start but the first after an upgrade
    }
    store.writer().run([&box](storage::connection& db) {
        // Zero what the rewritten rows and the emptied table free, instead of leaving the clear
        // bytes in free pages.
        storage::seal_unsealed_secrets(
            db, [&box](storage::connection& c, const storage::unsealed_secret& clear) {
                seal_in_row(c, box, clear);
            });
    });
    // The clear values may still be in the database's log, written by the migration.
    storage::drop_logged_clear_secrets(*storage::open_connection(store.opts()));
}

} // namespace

void register_resealer(const std::string& kind, resealer fn) {
    auto& r = registered();
    const std::lock_guard lock(r.mutex);
    r.by_kind[kind] = std::move(fn);
}

std::unique_ptr<secret_box> open_sealing_key(storage::store& store, const std::string& passphrase) {
    auto row = storage::find_sealing_key(store.reader());
    if (!row) {
        Botan::secure_vector<std::uint8_t> fresh(k_secret_key_bytes);
        thread_rng().randomize(fresh.data(), fresh.size());
        const auto candidate = wrap(fresh, passphrase); // the slow part, outside the writer
        store.writer().run([&candidate](storage::connection& db) {
            if (!storage::find_sealing_key(db)) {
                storage::store_sealing_key(db, candidate);
            }
        });
        row = storage::find_sealing_key(store.reader());
    }
    const auto key = unwrap(*row, passphrase);
    if (!key) {
        throw std::runtime_error("the CA passphrase does not open the sealing key of the database "
                                 "(table sealing_key): wrong passphrase, or a database from "
                                 "another data dir");
    }
    auto box = std::make_unique<secret_box>(*key);
    seal_old_clear_secrets(store, *box);
    return box;
}

bool rewrap_sealing_key(storage::store& store, const std::string& old_passphrase,
                        const std::string& new_passphrase) {
    const auto row = storage::find_sealing_key(store.reader());
    if (!row) {
        // Never opened yet (schema 5 reached without a start): make it under the new one.
        open_sealing_key(store, new_passphrase);
        return true;
    }
    if (unwrap(*row, new_passphrase)) {
        return false;
    }
    const auto key = unwrap(*row, old_passphrase);
    if (!key) {
        throw std::runtime_error("neither the old nor the new passphrase opens the sealing key "
                                 "of the database");
    }
    const auto rewrapped = wrap(*key, new_passphrase);
    store.writer().run([&](storage::connection& db) {
        const auto current = storage::find_sealing_key(db);
        if (!current || current->wrapped != row->wrapped) {
            throw std::runtime_error("the sealing key changed during the rotation");
        }
        storage::store_sealing_key(db, rewrapped);
    });
    return true;
}

} // namespace localca::ca
