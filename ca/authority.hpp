#pragma once
// One loaded certificate authority: its root certificate and private key. Immutable after
// construction and shared between threads; signing state (PK_Signer, RNG) is per thread because
// neither is thread-safe.
#include "ca/authority_kind.hpp"
#include "ca/options.hpp"

#include <botan/pk_keys.h>
#include <botan/pubkey.h>
#include <botan/rng.h>
#include <botan/x509cert.h>

#include <chrono>
#include <memory>
#include <string>

namespace localca::ca {

class authority {
public:
    authority(authority_kind kind, Botan::X509_Certificate cert,
              std::unique_ptr<Botan::Private_Key> key);

    // Creates a fresh self-signed root per opts: RSA-2048/sha256WithRSA or P-256/ecdsa-with-SHA256,
    // critical basicConstraints CA:TRUE, critical keyUsage keyCertSign+cRLSign, SKI, AKI.
    // Valid from `now` (whole seconds) for opts.validity_days.
    static authority create(authority_kind kind, const authority_options& opts,
                            Botan::RandomNumberGenerator& rng,
                            std::chrono::system_clock::time_point now);

    authority_kind kind() const { return m_kind; }
    const char* name() const { return to_string(m_kind); }
    const Botan::X509_Certificate& cert() const { return m_cert; }
    const Botan::Private_Key& key() const { return *m_key; }
    const std::string& cert_pem() const { return m_cert_pem; }
    // "SHA-256" padding/hash spec and algorithm id used for everything this authority signs.
    const Botan::AlgorithmIdentifier& signature_algorithm() const { return m_sig_algo; }

    // The calling thread's signer for this authority (created on first use).
    Botan::PK_Signer& signer() const;

private:
    authority_kind m_kind;
    Botan::X509_Certificate m_cert;
    std::shared_ptr<Botan::Private_Key> m_key;
    std::string m_cert_pem;
    Botan::AlgorithmIdentifier m_sig_algo;
};

// The calling thread's RNG (Botan's AutoSeeded_RNG is not thread-safe: one per thread), for keys,
// serials, salts, nonces and every other secret.
Botan::RandomNumberGenerator& thread_rng();

// The calling thread's RNG for signing with an authority's key (authority::signer() and the
// X509_Object::make_signed calls). A signature takes from it only blinding values: Botan's ECDSA
// derives its nonce from the key and the message (RFC 6979), and RSA blinding factors only have
// to be unpredictable. So it is Botan's ChaCha_RNG, seeded and reseeded from the operating
// system's RNG, not HMAC_DRBG(SHA-512): about 37 us less CPU per ECDSA signature (28 % of it).
Botan::RandomNumberGenerator& signing_rng();

} // namespace localca::ca
