#include "ca/key_store.hpp"

#include "ca/authority.hpp"

#include <botan/data_src.h>
#include <botan/hex.h>
#include <botan/pkcs8.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace localca::ca {

namespace {

// PBKDF2-HMAC-SHA256 iterations for the key files. A fixed count (rather than Botan's
// time-calibrated one) keeps loading time predictable across machines; the generated passphrase
// has 256 bits of entropy, so this only matters for human-chosen $LOCALCA_CA_PASSPHRASE values.
constexpr std::size_t k_pbkdf_iterations = 100000;

constexpr const char* k_passphrase_env = "LOCALCA_CA_PASSPHRASE";

std::string errno_text(int err) {
    return std::strerror(err);
}

// Makes a file's creation or renaming in `dir` durable.
void sync_dir(const std::filesystem::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

// Creates `path` with `mode` (default 0600) from the start (O_EXCL: never truncates or follows
// an existing file), so a secret is never readable by others, not even briefly.
void write_new_secret_file(const std::filesystem::path& path, std::string_view content,
                           unsigned mode = 0600) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                          static_cast<mode_t>(mode));
    if (fd < 0) {
        const int err = errno;
        if (err == EEXIST) {
            throw std::runtime_error("refusing to overwrite existing file " + path.string());
        }
        throw std::runtime_error("cannot create " + path.string() + ": " + errno_text(err));
    }
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            const int err = errno;
            ::close(fd);
            ::unlink(path.c_str());
            throw std::runtime_error("cannot write " + path.string() + ": " + errno_text(err));
        }
        done += static_cast<std::size_t>(n);
    }
    // A key that vanishes on power loss after its root was committed would orphan the authority.
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        ::unlink(path.c_str());
        throw std::runtime_error("cannot sync " + path.string() + ": " + errno_text(err));
    }
    ::close(fd);
    sync_dir(path.parent_path());
}

std::string encrypted_pem(const Botan::Private_Key& key, const std::string& passphrase) {
    if (passphrase.empty()) {
        throw std::invalid_argument("refusing to store a CA key under an empty passphrase");
    }
    return Botan::PKCS8::PEM_encode_encrypted_pbkdf_iter(
        key, thread_rng(), passphrase, k_pbkdf_iterations, "AES-256/CBC", "SHA-256");
}

std::string read_whole_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

} // namespace

key_store::key_store(std::filesystem::path ca_dir) : m_dir(std::move(ca_dir)) {}

std::filesystem::path key_store::key_path(const std::string& name) const {
    return m_dir / (name + ".key.pem");
}

bool key_store::exists(const std::string& name) const {
    std::error_code ec;
    return std::filesystem::exists(std::filesystem::symlink_status(key_path(name), ec));
}

std::string key_store::passphrase(bool create) const {
    if (const char* env = std::getenv(k_passphrase_env); env != nullptr && *env != '\0') {
        return env;
    }
    const auto path = m_dir / "passphrase";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        if (!create) {
            throw std::runtime_error(std::string("no CA passphrase: set ") + k_passphrase_env +
                                     " or run init to create " + path.string());
        }
        std::vector<std::uint8_t> random(32);
        thread_rng().randomize(random.data(), random.size());
        const std::string pass = Botan::hex_encode(random, false);
        try {
            write_new_secret_file(path, pass + "\n");
            return pass;
        } catch (const std::runtime_error&) {
            // Another process may have created it between our check and the open: use theirs.
            if (!std::filesystem::exists(path, ec)) {
                throw;
            }
        }
    }
    std::string pass = read_whole_file(path);
    while (!pass.empty() && (pass.back() == '\n' || pass.back() == '\r' || pass.back() == ' ' ||
                             pass.back() == '\t')) {
        pass.pop_back();
    }
    if (pass.empty()) {
        throw std::runtime_error("CA passphrase file " + path.string() + " is empty");
    }
    return pass;
}

void key_store::save(const std::string& name, const Botan::Private_Key& key,
                     const std::string& passphrase) const {
    write_new_secret_file(key_path(name), encrypted_pem(key, passphrase));
}

bool key_store::reencrypt(const std::string& name, const std::string& old_passphrase,
                          const std::string& new_passphrase) const {
    std::unique_ptr<Botan::Private_Key> key;
    try {
        key = load(name, old_passphrase);
    } catch (const std::runtime_error&) {
        load(name, new_passphrase); // throws when neither opens it
        return false;
    }
    const auto fresh = m_dir / (name + ".key.pem.new");
    std::error_code ec;
    std::filesystem::remove(fresh, ec); // left by an interrupted rotation
    write_new_secret_file(fresh, encrypted_pem(*key, new_passphrase));
    std::filesystem::rename(fresh, key_path(name));
    sync_dir(m_dir);
    return true;
}

void key_store::install(const std::string& file, std::string_view content, unsigned mode) const {
    std::filesystem::create_directories(m_dir);
    std::filesystem::permissions(m_dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    const auto fresh = m_dir / (file + ".new");
    std::error_code ec;
    std::filesystem::remove(fresh, ec); // left by an interrupted install
    write_new_secret_file(fresh, content, mode);
    std::filesystem::rename(fresh, m_dir / file);
    sync_dir(m_dir);
}

std::unique_ptr<Botan::Private_Key> key_store::load(const std::string& name,
                                                    const std::string& passphrase) const {
    const auto path = key_path(name);
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw std::runtime_error("CA key file " + path.string() + " not found");
    }
    const std::string pem = read_whole_file(path);
    // Botan would also load a plaintext PKCS#8 file: refuse it, a CA key must never lie in clear.
    if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") == std::string::npos) {
        throw std::runtime_error("CA key file " + path.string() +
                                 " is not an encrypted PKCS#8 PEM file");
    }
    try {
        Botan::DataSource_Memory src(pem);
        auto key = Botan::PKCS8::load_key(src, passphrase);
        if (!key) {
            throw std::runtime_error("empty key");
        }
        return key;
    } catch (const std::exception&) {
        // Botan's message adds nothing useful and must not end up next to secrets in logs.
        throw std::runtime_error("cannot decrypt CA key " + path.string() +
                                 ": wrong passphrase or corrupt file");
    }
}

} // namespace localca::ca
