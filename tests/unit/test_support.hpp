#pragma once
// Shared fixtures of the unit suites: a throw-away directory, running a shell command, and CSRs
// made by the openssl CLI (never by our own code under test).
#include <boost/test/unit_test.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/stat.h>

namespace localca::test {

// A fresh directory under $TMPDIR, removed with everything in it at scope exit.
class temp_dir {
public:
    temp_dir() {
        std::random_device rd;
        const auto base = std::filesystem::temp_directory_path();
        for (int i = 0; i < 100; ++i) {
            auto p = base / ("localca-test-" + std::to_string(rd()));
            if (std::filesystem::create_directory(p)) {
                m_path = p;
                return;
            }
        }
        throw std::runtime_error("cannot create a temp dir");
    }
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(m_path, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

private:
    std::filesystem::path m_path;
};

struct command_result {
    int status = -1;
    std::string output; // stdout and stderr
};

// Sets (or, with a null value, unsets) an environment variable for the scope, restoring the
// caller's value after: the passphrase tests, which must not leak into the next test.
class scoped_env {
public:
    explicit scoped_env(const char* name, const char* value = nullptr) : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_old = old;
        }
        if (value) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ~scoped_env() {
        if (m_old) {
            ::setenv(m_name.c_str(), m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name.c_str());
        }
    }
    scoped_env(const scoped_env&) = delete;
    scoped_env& operator=(const scoped_env&) = delete;

private:
    std::string m_name;
    std::optional<std::string> m_old;
};

// The permission bits of a file (0600, 0644...).
inline unsigned file_mode(const std::filesystem::path& p) {
    struct stat st {};
    BOOST_REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

// Runs `cmd` with /bin/sh, capturing stdout+stderr.
inline command_result run(const std::string& cmd) {
    command_result r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (!p) {
        throw std::runtime_error("popen failed: " + cmd);
    }
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) {
        r.output.append(buf.data(), n);
    }
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

// The message of what `f` throws, "" if it does not throw.
inline std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// Runs and requires exit 0; returns the output.
inline std::string must_run(const std::string& cmd) {
    auto r = run(cmd);
    if (r.status != 0) {
        throw std::runtime_error("command failed (" + std::to_string(r.status) + "): " + cmd +
                                 "\n" + r.output);
    }
    return r.output;
}

inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::vector<std::uint8_t> read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_bytes(const std::filesystem::path& p, const std::vector<std::uint8_t>& v) {
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size()));
}

// Key algorithms the openssl CLI makes for us.
//   "rsa2048", "rsa1024", "rsa3072", "p256", "p384"
// Returns the CSR PEM; the key is written to dir/<stem>.key.
// `subj` is openssl's -subj form, e.g. "/C=CN/O=Acme/CN=dev1". `digest` e.g. "sha256", "sha1".
inline std::string openssl_csr(const std::filesystem::path& dir, const std::string& stem,
                               const std::string& keyalg, const std::string& subj,
                               const std::string& digest = "sha256",
                               const std::string& extra_args = "") {
    const auto key = (dir / (stem + ".key")).string();
    const auto csr = (dir / (stem + ".csr")).string();
    std::string genkey;
    if (keyalg.rfind("rsa", 0) == 0) {
        genkey = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:" + keyalg.substr(3) +
                 " -out " + key;
    } else if (keyalg == "p256") {
        genkey = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " + key;
    } else if (keyalg == "p384") {
        genkey = "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out " + key;
    } else {
        throw std::invalid_argument("unknown key algorithm " + keyalg);
    }
    must_run(genkey);
    must_run("openssl req -new -key " + key + " -subj '" + subj + "' -" + digest + " " +
             extra_args + " -out " + csr);
    return read_file(csr);
}

// A self-signed P-256 certificate made by the openssl CLI: its DER bytes (PEM at dir/<stem>.pem).
// `subj` as in openssl_csr; `extra_args` e.g. "-addext subjectAltName=DNS:a.test".
inline std::vector<std::uint8_t> openssl_self_signed(const std::filesystem::path& dir,
                                                     const std::string& stem,
                                                     const std::string& subj,
                                                     const std::string& extra_args = "") {
    const auto key = (dir / (stem + ".key")).string();
    const auto pem = (dir / (stem + ".pem")).string();
    const auto der = (dir / (stem + ".der")).string();
    must_run(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -keyout " +
        key + " -subj '" + subj + "' " + extra_args + " -out " + pem);
    must_run("openssl x509 -in " + pem + " -outform DER -out " + der);
    const auto bytes = read_file(der);
    return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
}

// prefix followed by n ("o" + std::to_string(n)). Written with append because GCC 12 at -O2 warns
// (-Wrestrict, a false positive: GCC bug 105651) on a string literal plus a temporary string
// inlined into a test body.
inline std::string numbered(std::string prefix, long long n) {
    prefix.append(std::to_string(n));
    return prefix;
}

} // namespace localca::test
