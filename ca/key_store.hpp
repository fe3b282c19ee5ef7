#pragma once
// CA private keys on disk: encrypted PKCS#8 (PBES2) PEM files, mode 0600, under <data>/ca/.
// The passphrase comes from $LOCALCA_CA_PASSPHRASE or, when unset, from <data>/ca/passphrase,
// a random file created at init with mode 0600 (developer mode).
#include <botan/pk_keys.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace localca::ca {

class key_store {
public:
    explicit key_store(std::filesystem::path ca_dir);

    // The passphrase as described above. When neither source exists and create is true,
    // writes a fresh random passphrase file (0600); otherwise throws std::runtime_error.
    std::string passphrase(bool create) const;

    // Writes <ca_dir>/<name>.key.pem, encrypted under the passphrase, mode 0600.
    // Refuses to overwrite an existing file.
    void save(const std::string& name, const Botan::Private_Key& key,
              const std::string& passphrase) const;

    // Throws std::runtime_error with a clear message (never the passphrase) on failure.
    std::unique_ptr<Botan::Private_Key> load(const std::string& name,
                                             const std::string& passphrase) const;

    // Passphrase rotation: rewrites <name>.key.pem under new_passphrase (written aside, then
    // renamed over the old file, so a crash leaves one or the other whole). Returns false and
    // changes nothing when the file already opens under new_passphrase (a rotation run again);
    // throws std::runtime_error when neither passphrase opens it.
    bool reencrypt(const std::string& name, const std::string& old_passphrase,
                   const std::string& new_passphrase) const;

    // Places a file of the CA folder that another node of the same database published
    // (tools/localca/shared_keys): `file` ("rsa.key.pem", "ecc.crt.pem"...) is written under a
    // temporary name with `mode` from the start, synced and renamed, so a crash never leaves half
    // a key and the key is never readable by others. Creates the folder (0700) when missing.
    void install(const std::string& file, std::string_view content, unsigned mode) const;

    bool exists(const std::string& name) const;
    std::filesystem::path key_path(const std::string& name) const;

private:
    std::filesystem::path m_dir;
};

} // namespace localca::ca
