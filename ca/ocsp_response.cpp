#include "ca/ocsp_response.hpp"

#include "ca/authority.hpp"

#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/pubkey.h>
#include <botan/x509cert.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <unordered_map>

namespace localca::ca {

namespace {

const Botan::ASN1_Tag k_context_constructed =
    Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);

std::atomic<std::uint64_t> g_next_key_id{1};

bool is_rsa(const Botan::Private_Key& key) {
    return key.algo_name() == "RSA";
}

// GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 5280 4.1.2.5.2: no fractions). Botan's X509_Time picks
// UTCTime before 2050, which RFC 6960 does not allow here.
void encode_time(Botan::DER_Encoder& enc, std::chrono::system_clock::time_point t) {
    const std::time_t secs =
        std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    enc.add_object(Botan::GENERALIZED_TIME, Botan::UNIVERSAL,
                   reinterpret_cast<const std::uint8_t*>(buf), static_cast<std::size_t>(n));
}

void encode_single(Botan::DER_Encoder& enc, const ocsp_single_response& r) {
    enc.start_cons(Botan::SEQUENCE).raw_bytes(r.cert_id_der);
    switch (r.status) {
    case ocsp_cert_status::good: // good [0] IMPLICIT NULL
        enc.add_object(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC, nullptr, 0);
        break;
    case ocsp_cert_status::unknown: // unknown [2] IMPLICIT NULL
        enc.add_object(Botan::ASN1_Tag(2), Botan::CONTEXT_SPECIFIC, nullptr, 0);
        break;
    case ocsp_cert_status::revoked: // revoked [1] IMPLICIT RevokedInfo
        enc.start_cons(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC);
        encode_time(enc, r.revocation_time);
        if (r.revocation_reason) {
            enc.start_explicit(0)
                .add_object(
                    Botan::ENUMERATED, Botan::UNIVERSAL,
                    std::vector<std::uint8_t>{static_cast<std::uint8_t>(*r.revocation_reason)})
                .end_explicit();
        }
        enc.end_cons();
        break;
    }
    encode_time(enc, r.this_update);
    enc.start_explicit(0);
    encode_time(enc, r.next_update);
    enc.end_explicit();
    enc.end_cons();
}

struct thread_signer {
    std::shared_ptr<const Botan::Private_Key> key; // outlives the signer that uses it
    std::unique_ptr<Botan::PK_Signer> signer;
};

} // namespace

ocsp_signing_key::ocsp_signing_key(std::shared_ptr<const Botan::Private_Key> key,
                                   std::vector<std::uint8_t> cert_der,
                                   std::chrono::system_clock::time_point not_after)
    : m_id(g_next_key_id++), m_key(std::move(key)), m_cert_der(std::move(cert_der)),
      m_not_after(not_after) {
    // Over the BIT STRING contents as they are in the certificate (RFC 6960 4.2.1 KeyHash).
    const Botan::X509_Certificate cert(m_cert_der);
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    const auto h = sha1->process(cert.subject_public_key_bitstring());
    m_key_hash.assign(h.begin(), h.end());
    if (m_key->public_key_bits() != cert.subject_public_key_bitstring()) {
        throw std::invalid_argument("the OCSP responder key does not match its certificate");
    }
}

std::vector<std::uint8_t> ocsp_signing_key::sign(const std::vector<std::uint8_t>& tbs,
                                                 Botan::AlgorithmIdentifier& algorithm) const {
    // PK_Signer is not thread-safe: one per thread and key, kept while the thread lives. A
    // renewed key gets a new id; the old entry then only costs its memory.
    thread_local std::unordered_map<std::uint64_t, thread_signer> signers;
    auto& entry = signers[m_id];
    const bool rsa = is_rsa(*m_key);
    if (!entry.signer) {
        entry.key = m_key;
        entry.signer = std::make_unique<Botan::PK_Signer>(
            *m_key, signing_rng(), rsa ? "EMSA3(SHA-256)" : "EMSA1(SHA-256)",
            rsa ? Botan::IEEE_1363 : Botan::DER_SEQUENCE);
    }
    algorithm = rsa ? Botan::AlgorithmIdentifier(Botan::OID("1.2.840.113549.1.1.11"),
                                                 Botan::AlgorithmIdentifier::USE_NULL_PARAM)
                    : Botan::AlgorithmIdentifier(Botan::OID("1.2.840.10045.4.3.2"),
                                                 Botan::AlgorithmIdentifier::USE_EMPTY_PARAM);
    return entry.signer->sign_message(tbs, signing_rng());
}

std::vector<std::uint8_t> ocsp_error_response(ocsp_response_status status) {
    std::vector<std::uint8_t> out;
    Botan::DER_Encoder(out)
        .start_cons(Botan::SEQUENCE)
        .add_object(Botan::ENUMERATED, Botan::UNIVERSAL,
                    std::vector<std::uint8_t>{static_cast<std::uint8_t>(status)})
        .end_cons();
    return out;
}

std::vector<std::uint8_t>
build_ocsp_response(const std::vector<ocsp_single_response>& responses,
                    std::chrono::system_clock::time_point produced_at,
                    const std::optional<std::vector<std::uint8_t>>& nonce_extn_value,
                    const ocsp_signing_key& signer) {
    // ResponseData, version v1 (DEFAULT: omitted).
    std::vector<std::uint8_t> tbs;
    Botan::DER_Encoder enc(tbs);
    enc.start_cons(Botan::SEQUENCE);
    enc.start_explicit(2).encode(signer.key_hash(), Botan::OCTET_STRING).end_explicit(); // byKey
    encode_time(enc, produced_at);
    enc.start_cons(Botan::SEQUENCE);
    for (const auto& r : responses) {
        encode_single(enc, r);
    }
    enc.end_cons();
    if (nonce_extn_value) {
        enc.start_explicit(1)
            .start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .encode(Botan::OID("1.3.6.1.5.5.7.48.1.2"))
            .encode(*nonce_extn_value, Botan::OCTET_STRING)
            .end_cons()
            .end_cons()
            .end_explicit();
    }
    enc.end_cons();

    Botan::AlgorithmIdentifier algorithm;
    const auto signature = signer.sign(tbs, algorithm);

    std::vector<std::uint8_t> basic;
    Botan::DER_Encoder(basic)
        .start_cons(Botan::SEQUENCE)
        .raw_bytes(tbs)
        .encode(algorithm)
        .encode(signature, Botan::BIT_STRING)
        .start_explicit(0)
        .start_cons(Botan::SEQUENCE)
        .raw_bytes(signer.cert_der())
        .end_cons()
        .end_explicit()
        .end_cons();

    std::vector<std::uint8_t> out;
    Botan::DER_Encoder(out)
        .start_cons(Botan::SEQUENCE)
        .add_object(
            Botan::ENUMERATED, Botan::UNIVERSAL,
            std::vector<std::uint8_t>{static_cast<std::uint8_t>(ocsp_response_status::successful)})
        .start_explicit(0)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID("1.3.6.1.5.5.7.48.1.1")) // id-pkix-ocsp-basic
        .encode(basic, Botan::OCTET_STRING)
        .end_cons()
        .end_explicit()
        .end_cons();
    return out;
}

} // namespace localca::ca
