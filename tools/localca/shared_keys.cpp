#include "tools/localca/shared_keys.hpp"

#include "ca/authority.hpp"
#include "ca/key_store.hpp"
#include "storage/shared_key_repository.hpp"
#include "tools/localca/data_dir.hpp"

#include <botan/rng.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>

namespace localca::tools {

namespace {

constexpr const char* k_files[] = {"ca/rsa.key.pem", "ca/ecc.key.pem", "ca/rsa.crt.pem",
                                   "ca/ecc.crt.pem"};
constexpr const char* k_token_key = "enos-token-key";

bool shared(const storage::store& store) {
    return store.opts().backend == storage::backend::postgres;
}

std::optional<std::vector<std::uint8_t>> read_local(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

bool publish(storage::store& store, const char* name, const std::vector<std::uint8_t>& content) {
    bool inserted = false;
    store.writer().run(
        [&](storage::connection& db) { inserted = storage::insert_shared_key(db, name, content); });
    return inserted;
}

} // namespace

void sync_shared_keys(const std::filesystem::path& dir, storage::store& store) {
    if (!shared(store)) {
        return;
    }
    const char* passphrase = std::getenv("LOCALCA_CA_PASSPHRASE");
    if (passphrase == nullptr || *passphrase == '\0') {
        throw std::runtime_error(
            "storage.backend is postgres: set LOCALCA_CA_PASSPHRASE (the CA keys are shared "
            "through the database, encrypted under it; a passphrase file in one node's data dir "
            "would not be)");
    }
    for (const char* name : k_files) {
        const auto path = dir / name;
        auto local = read_local(path);
        auto in_db = storage::find_shared_key(store.reader(), name);
        if (local && !in_db) {
            publish(store, name, *local);
            in_db = storage::find_shared_key(store.reader(), name); // a racing node may have won
        }
        if (!in_db) {
            continue; // not initialised yet: init creates the files, then publishes them
        }
        if (!local) {
            const std::string_view file = std::string_view(name).substr(3); // after "ca/"
            ca::key_store(dir / "ca")
                .install(
                    std::string(file),
                    std::string_view(reinterpret_cast<const char*>(in_db->data()), in_db->size()),
                    file.ends_with(".key.pem") ? 0600 : 0644);
        } else if (*local != *in_db) {
            throw std::runtime_error(
                path.string() + " differs from the database's " + name +
                ": this data dir was initialised on its own; give the node an empty data dir (it "
                "takes the CA's keys from the database) or point it at its own database");
        }
    }
}

std::vector<unsigned char> enos_token_key(const std::filesystem::path& dir, storage::store& store,
                                          const ca::secret_box& box) {
    if (!shared(store)) {
        return load_or_create_secret(dir / "enos-token.key", 32);
    }
    auto sealed = storage::find_shared_key(store.reader(), k_token_key);
    if (!sealed) {
        std::vector<std::uint8_t> fresh(32);
        ca::thread_rng().randomize(fresh.data(), fresh.size());
        publish(store, k_token_key, box.seal(fresh, k_token_key));
        sealed = storage::find_shared_key(store.reader(), k_token_key); // the winner's
    }
    const auto key = box.open(*sealed, k_token_key);
    return {key.begin(), key.end()};
}

void publish_enos_token_key(const std::filesystem::path& dir, storage::store& store,
                            const ca::secret_box& box) {
    const auto key = read_local(dir / "enos-token.key");
    if (key) {
        publish(store, k_token_key, box.seal(*key, k_token_key));
    }
}

} // namespace localca::tools
