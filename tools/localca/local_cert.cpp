// `localca cert`: mkcert-style local certificates (docs/lab.md), issued through the engine.
#include "ca/lab_clock.hpp"
#include "ca/local_certificate.hpp"
#include "tools/localca/cli.hpp"
#include "tools/localca/config.hpp"
#include "tools/localca/data_dir.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace localca::tools {

namespace {

// mkcert's password for PKCS#12 files, so that tools expecting mkcert's files work unchanged.
constexpr const char* k_p12_password = "changeit";

// mkcert's file name: the first name (':' -> '_', '*' -> '_wildcard'), "+N" for N further
// names, "-client" for client certificates. '/' (URIs) -> '_' so that it stays one file name.
std::string base_name(const std::vector<std::string>& names, bool client) {
    std::string out;
    for (char c : names.front()) {
        if (c == ':' || c == '/') {
            out += '_';
        } else if (c == '*') {
            out += "_wildcard";
        } else {
            out += c;
        }
    }
    if (names.size() > 1) {
        out += '+'; // piecewise: `"+" + std::string` trips gcc 12's false -Wrestrict
        out += std::to_string(names.size() - 1);
    }
    if (client) {
        out += "-client";
    }
    return out;
}

void write_file(const std::filesystem::path& file, const std::string& data, mode_t mode) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
    // An existing file keeps its mode under O_CREAT: set it, so a key is never left readable.
    const bool ok = ::fchmod(fd, mode) == 0 &&
                    ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) &&
                    ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
        throw std::runtime_error("cannot write " + file.string() + ": " + std::strerror(errno));
    }
}

std::string pkcs12(const std::string& cert_pem, const std::string& key_pem,
                   const std::string& friendly_name) {
    using bio_ptr = std::unique_ptr<BIO, decltype(&BIO_free)>;
    bio_ptr cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())), BIO_free);
    bio_ptr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())), BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), X509_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!cert || !key) {
        throw std::runtime_error("cannot read back the certificate or key for PKCS#12");
    }
    std::unique_ptr<PKCS12, decltype(&PKCS12_free)> p12(
        PKCS12_create(k_p12_password, friendly_name.c_str(), key.get(), cert.get(), nullptr, 0, 0,
                      0, 0, 0),
        PKCS12_free);
    if (!p12) {
        throw std::runtime_error("PKCS12_create failed");
    }
    bio_ptr out(BIO_new(BIO_s_mem()), BIO_free);
    if (i2d_PKCS12_bio(out.get(), p12.get()) != 1) {
        throw std::runtime_error("cannot encode the PKCS#12 file");
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

} // namespace

int cmd_cert(const arguments& args) {
    if (args.positional.empty()) {
        throw std::invalid_argument("cert needs at least one NAME (localca cert localhost "
                                    "127.0.0.1 --data-dir DIR)");
    }
    const auto* dir_arg = args.get("--data-dir");
    if (!dir_arg || dir_arg->empty()) {
        throw std::invalid_argument("--data-dir DIR is required");
    }
    const std::filesystem::path dir = *dir_arg;
    ca::local_certificate_request req;
    req.names = args.positional;
    req.ecdsa = args.has("--ecdsa");
    req.client = args.has("--client");
    req.audit = ca::audit_context{"cli", "", "local-cert"};
    if (const auto* d = args.get("--days")) {
        try {
            std::size_t used = 0;
            req.valid_days = std::stoll(*d, &used);
            if (used != d->size() || req.valid_days <= 0) {
                throw std::invalid_argument(*d);
            }
        } catch (const std::exception&) {
            throw std::invalid_argument("--days must be a positive integer, not '" + *d + "'");
        }
    }
    ca::local_profile(req); // names checked before anything is created
    const std::filesystem::path out_dir = args.has("--out-dir") ? *args.get("--out-dir") : ".";
    config c;
    if (const auto* file = args.get("--config")) {
        c = load_config(*file);
    }
    c.validate();

    std::filesystem::create_directories(dir);
    std::filesystem::create_directories(out_dir);
    // No data-dir lock: the server may be running (SQLite serialises the writes, serials come
    // from the shared durable sequence), as for `localca emca approve`.
    storage::store store(storage_options(dir, c.storage));
    ca::engine::initialize(dir, store, c.ca, *clock_of(dir));
    ca::engine engine(dir, store, c.ca, clock_of(dir));
    const auto issued = ca::issue_local_certificate(engine, req);
    if (!issued) {
        throw std::runtime_error(issued.err().message + ": " + issued.err().detail);
    }
    store.writer().stop();

    const auto base = base_name(req.names, req.client);
    std::cout << "issued certificate " << issued->certificate.sn << " ("
              << ca::to_string(issued->certificate.authority) << " root) for";
    for (const auto& n : req.names) {
        std::cout << " \"" << n << "\"";
    }
    std::cout << "\n";
    if (args.has("--p12")) {
        const auto file = out_dir / (base + ".p12");
        write_file(file, pkcs12(issued->certificate.pem, issued->private_key_pem, base), 0600);
        std::cout << "The PKCS#12 bundle is at \"" << file.string()
                  << "\"; the legacy default password is \"" << k_p12_password << "\".\n";
    } else {
        const auto cert_file = out_dir / (base + ".pem");
        const auto key_file = out_dir / (base + "-key.pem");
        write_file(cert_file, issued->certificate.pem, 0644);
        write_file(key_file, issued->private_key_pem, 0600);
        std::cout << "The certificate is at \"" << cert_file.string() << "\" and the key at \""
                  << key_file.string() << "\".\n";
    }
    std::cout << "It expires on " << ca::rfc3339(issued->certificate.not_after) << ". Trust the roots with `localca trust install --data-dir " << dir.string()
              << "`.\n";
    return 0;
}

} // namespace localca::tools
