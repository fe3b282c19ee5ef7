#pragma once
// The OCSP responder (RFC 6960, RFC 5019 profile) of both authorities. Protocol core only: DER
// request in, DER response out; the HTTP binding is server/pki/ocsp_routes.
//
// Signing: a delegated responder certificate per authority (ocsp_responder_profile(): EKU
// OCSPSigning, id-pkix-ocsp-nocheck), issued through the engine like every certificate
// (durable, audited), for a key generated in memory when the responder starts (RSA-2048 for the
// RSA authority, P-256 for the ECC one: the engine's key policy). The key is never stored: each
// node, and each restart, has its own. The certificate is renewed once two thirds of its
// validity have passed, by the first request that sees it (others keep signing with the current
// one meanwhile).
//
// Caching: a response to a single CertID without a nonce is signed once and kept, keyed by the
// CertID, with the certificate's revocation state it was built from. Every request reads that
// state again (one primary-key lookup); a changed state (a revocation by anyone, in any process)
// or a renewed responder key is a miss. So an answer given after a revocation committed can
// never be an older "good". Entries are re-signed once half of their validity has passed.
//
// Threading: respond() signs and reads SQL: call it from a worker thread. Thread-safe.
#include "ca/engine.hpp"
#include "ca/ocsp_request.hpp"
#include "ca/ocsp_response.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace localca::ca {

struct ocsp_options {
    // Most CertIDs in one request; more is malformedRequest. Default 8.
    std::size_t max_requests = 8;
    // nextUpdate - thisUpdate of every response, and the longest HTTP max-age. Default 1 hour.
    std::chrono::seconds response_validity{3600};
    // Validity of each responder certificate. Default 7 days; renewed after two thirds.
    std::chrono::seconds responder_validity{7 * 24 * 3600};
    // Most cached responses (about 1.5-2 KB each with the responder certificate). Default 100000.
    std::size_t cache_entries = 100000;
};

struct ocsp_answer {
    std::vector<std::uint8_t> der; // the OCSPResponse
    ocsp_response_status status = ocsp_response_status::internal_error;
    // A successful response without nonce (the same bytes for everyone asking until
    // next_update): HTTP caches may keep it (RFC 5019 6).
    bool cacheable = false;
    std::chrono::system_clock::time_point produced_at; // successful only
    std::chrono::system_clock::time_point next_update; // earliest nextUpdate; successful only
    std::string etag;                                  // cacheable only: hex of SHA-256, quoted
    std::string detail;                                // why a request was refused, for the log
};

class ocsp_responder {
public:
    ocsp_responder(engine& e, ocsp_options opts);
    ~ocsp_responder();

    // Generates the responder keys and issues their certificates. Blocks (key generation, two
    // issuances through the writer); throws std::runtime_error when an issuance fails.
    void start(std::chrono::system_clock::time_point now);

    // Answers a DER OCSPRequest. Never throws: an unexpected failure is internalError.
    ocsp_answer respond(const std::uint8_t* der, std::size_t size,
                        std::chrono::system_clock::time_point now);
    ocsp_answer respond(const std::vector<std::uint8_t>& der,
                        std::chrono::system_clock::time_point now) {
        return respond(der.data(), der.size(), now);
    }

    // The response for one of our certificates, as a client asking with a SHA-1 CertID would get
    // it (cached): what LocalCA staples for its own TLS certificate.
    ocsp_answer respond_for(authority_kind kind, std::int64_t sn,
                            std::chrono::system_clock::time_point now);

    const ocsp_options& opts() const { return m_options; }

    // The CertID (DER) a client would send for serial `sn` of `kind` with `hash` ("SHA-1"...).
    std::vector<std::uint8_t> cert_id(authority_kind kind, const std::string& hash,
                                      std::int64_t sn) const;

private:
    struct issuer;
    struct cache_entry;
    issuer& issuer_of(authority_kind kind);
    const issuer* match(const ocsp_cert_id& id) const;
    std::shared_ptr<const ocsp_signing_key> signing_key(issuer& is,
                                                        std::chrono::system_clock::time_point now);
    std::shared_ptr<const ocsp_signing_key> renew(issuer& is,
                                                  std::chrono::system_clock::time_point now);
    ocsp_answer answer(const ocsp_request& req, std::chrono::system_clock::time_point now);

    engine& m_engine;
    const ocsp_options m_options;
    std::vector<std::unique_ptr<issuer>> m_issuers;

    std::mutex m_cache_mutex;
    std::unordered_map<std::string, std::shared_ptr<const cache_entry>> m_cache;
};

} // namespace localca::ca
