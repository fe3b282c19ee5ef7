#include "server/foundry/mosquitto_view.hpp"

#include "server/core/log.hpp"
#include "server/foundry/reload_command.hpp"

#include <botan/pem.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace localca::server::foundry {

namespace {

constexpr std::chrono::milliseconds k_reload_timeout{30000};

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_all(int fd, const std::string& text, const std::string& name) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw std::runtime_error("cannot write " + name + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
}

// Replaces `path` with `text` unless it already holds exactly that. The new content goes to a
// temporary file in the same directory, is fsynced, then renamed over the old one: the broker
// reads either the old file or the new one, never a half-written one. Mode 0644: a broker that
// drops privileges (Debian's runs as user mosquitto) must be able to read it. Returns whether
// the file changed.
bool replace_if_different(const std::filesystem::path& path, const std::string& text) {
    if (std::filesystem::exists(path) && read_all(path) == text) {
        return false;
    }
    const auto tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        throw std::runtime_error("cannot create " + tmp + ": " + std::strerror(errno));
    }
    try {
        ::fchmod(fd, 0644); // whatever the umask
        write_all(fd, text, tmp);
        if (::fsync(fd) != 0) {
            throw std::runtime_error("cannot fsync " + tmp + ": " + std::strerror(errno));
        }
    } catch (...) {
        ::close(fd);
        ::unlink(tmp.c_str());
        throw;
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error("cannot rename " + tmp + " to " + path.string() + ": " +
                                 std::strerror(err));
    }
    return true;
}

} // namespace

std::string acl_text(const std::vector<storage::foundry::topic_grant>& grants) {
    std::string out = "# Written by LocalCA from the state of its Foundry certificates: one user\n"
                      "# (a certificate's subject CN) per ACTIVE certificate, with its topic\n"
                      "# policy. Rewritten after every change; edits here are lost.\n";
    const storage::foundry::topic_grant* previous = nullptr;
    for (const auto& g : grants) {
        if (!previous || previous->subject_cn != g.subject_cn) {
            out += "\nuser " + g.subject_cn + "\n";
        } else if (previous->filter == g.filter) {
            continue; // certificates sharing a CN (subject mode "aws") and a filter: once
        }
        out += "topic readwrite " + g.filter + "\n";
        previous = &g;
    }
    return out;
}

mosquitto_view::mosquitto_view(ca::engine& engine,
                               ca::foundry::managed_certificate_service& certificates,
                               mosquitto_options opts, std::chrono::seconds refresh_interval)
    : m_engine(engine), m_certificates(certificates), m_options(std::move(opts)),
      m_refresh(refresh_interval) {}

mosquitto_view::~mosquitto_view() {
    {
        std::lock_guard lock(m_stop_mutex);
        m_stopping = true;
    }
    m_stop_cv.notify_all();
    if (m_refresher.joinable()) {
        m_refresher.join();
    }
}

void mosquitto_view::sync() {
    // Tickets make concurrent calls cheap: a rewrite that started after ticket t was taken read
    // a state that includes t's change (committed before t was taken), so t is served by it.
    const std::uint64_t ticket = m_requested.fetch_add(1) + 1;
    std::lock_guard lock(m_write_mutex);
    if (m_done >= ticket) {
        return;
    }
    const std::uint64_t covers = m_requested.load();
    try {
        rewrite();
    } catch (const std::exception& e) {
        log::error(std::string("foundry: cannot update the broker files: ") + e.what());
    }
    m_done = covers;
}

void mosquitto_view::rewrite() {
    bool changed = false;
    if (!m_options.acl_file.empty()) {
        changed |=
            replace_if_different(m_options.acl_file, acl_text(m_certificates.active_grants()));
    }
    if (!m_options.crl_file.empty()) {
        const auto der = m_engine.crl_der(ca::authority_kind::rsa);
        changed |=
            replace_if_different(m_options.crl_file, Botan::PEM_Code::encode(der, "X509 CRL"));
    }
    if (!changed || m_options.reload_command.empty()) {
        return;
    }
    const auto outcome = run_command(m_options.reload_command, k_reload_timeout);
    if (!outcome.ran) {
        log::warn("foundry: broker reload command failed: " + outcome.problem);
    } else if (outcome.exit_status != 0) {
        log::warn("foundry: broker reload command exited with status " +
                  std::to_string(outcome.exit_status));
    }
}

void mosquitto_view::start_refresher() {
    if (m_refresher.joinable()) {
        return;
    }
    m_refresher = std::thread([this] {
        std::unique_lock lock(m_stop_mutex);
        while (!m_stop_cv.wait_for(lock, m_refresh, [this] { return m_stopping; })) {
            lock.unlock();
            sync();
            lock.lock();
        }
    });
}

} // namespace localca::server::foundry
