#pragma once
// The in-process LocalCA the request-level fuzz targets talk to: a real data dir (temp), store,
// engine with both authorities, the seed file tests/fuzz/keys/world.seed.json applied, and every
// personality on one router, as `localca serve` wires them. dispatch() does what a session does
// with a parsed request (target parsing, routing, the handler on this thread, exactly one answer)
// without sockets, so one input is one request and a crash points at its handler.
#include "server/core/request_context.hpp"
#include "server/enos/options.hpp"

#include <botan/pk_keys.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace localca::fuzz {

// Names the world's seed file gives its fixtures; corpora use them.
inline constexpr const char* k_pki_token = "fuzz-pki-token";
inline constexpr const char* k_foundry_token = "fuzz-foundry-token";
inline constexpr const char* k_emca_user = "fuzz-user";
inline constexpr const char* k_emca_em_key = "fuzz-em-key";

// A file of tests/fuzz/ (keys, seed), read whole. Throws if missing.
std::string read_fuzz_file(const std::string& relative);

// The public key of a certificate file of tests/fuzz/ (the CMS signers of keys/).
std::unique_ptr<Botan::Public_Key> certificate_key(const std::string& relative);

// The emCA user's AES-256 key (bytes 0, 1, ..., 31; its Base64 is in the seed file).
std::vector<std::uint8_t> emca_aes_key();

class world {
public:
    // Built once per process (LLVMFuzzerInitialize or the first input); RSA key generation and
    // the seed's Argon2id hash make it take about a second.
    explicit world(server::enos::auth_mode enos_auth);
    ~world();
    world(const world&) = delete;
    world& operator=(const world&) = delete;

    // Routes and runs one request as a session would; returns the answer, payload prepared.
    // Aborts (a fuzzer finding) if the answer breaks an invariant every answer must keep: a
    // status the handler chose must be a real one and a JSON answer must be valid JSON.
    server::response dispatch(server::request req, const std::string& remote_address = "127.0.0.1");

    // The Foundry certificate made at start (INACTIVE, account of k_foundry_token): corpora
    // write "@CERT_ID@" and "@ARN@" where its id and ARN go, substitute() puts them in.
    std::string substitute(std::string_view text) const;

private:
    struct impl;
    std::unique_ptr<impl> m_impl;
};

// Beast serialises the answer as a session would write it (catches invalid header values).
std::string serialize(server::response& res);

} // namespace localca::fuzz
