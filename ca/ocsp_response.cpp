#include "ca/ocsp_response.hpp"

#include "ca/authority.hpp"

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

std::atomic<std::uint64_t> g_next_key_id{1};

// The response is encoded by hand into plain vectors: Botan's DER_Encoder keeps every level in a
// secure_vector (calloc, then zeroed on free), several per response, for bytes that are public.
// A nonce response is signed per request, so everything around the signature is per-request cost.
void put_length(std::vector<std::uint8_t>& out, std::size_t n) {
    if (n < 0x80) {
        out.push_back(static_cast<std::uint8_t>(n));
        return;
    }
    std::uint8_t len[sizeof(std::size_t)];
    std::size_t k = 0;
    for (; n != 0; n >>= 8) {
        len[k++] = static_cast<std::uint8_t>(n & 0xff);
    }
    out.push_back(static_cast<std::uint8_t>(0x80 | k));
    while (k > 0) {
        out.push_back(len[--k]);
    }
}

void put_tlv(std::vector<std::uint8_t>& out, std::uint8_t tag, const std::uint8_t* content,
             std::size_t size) {
    out.push_back(tag);
    put_length(out, size);
    out.insert(out.end(), content, content + size);
}

void put_tlv(std::vector<std::uint8_t>& out, std::uint8_t tag,
             const std::vector<std::uint8_t>& content) {
    put_tlv(out, tag, content.data(), content.size());
}

constexpr std::uint8_t k_sequence = 0x30;
constexpr std::uint8_t k_octet_string = 0x04;
constexpr std::uint8_t k_bit_string = 0x03;
constexpr std::uint8_t k_enumerated = 0x0a;
constexpr std::uint8_t k_generalized_time = 0x18;
constexpr std::uint8_t k_explicit_0 = 0xa0; // [n] EXPLICIT: context-specific, constructed
constexpr std::uint8_t k_explicit_1 = 0xa1;
constexpr std::uint8_t k_explicit_2 = 0xa2;
// id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1) and id-pkix-ocsp-nonce (...48.1.2), DER.
constexpr std::uint8_t k_ocsp_basic_oid[] = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x05,
                                             0x05, 0x07, 0x30, 0x01, 0x01};
constexpr std::uint8_t k_ocsp_nonce_oid[] = {0x06, 0x09, 0x2b, 0x06, 0x01, 0x05,
                                             0x05, 0x07, 0x30, 0x01, 0x02};

// GeneralizedTime "YYYYMMDDHHMMSSZ" (RFC 5280 4.1.2.5.2: no fractions). Botan's X509_Time picks
// UTCTime before 2050, which RFC 6960 does not allow here.
void put_time(std::vector<std::uint8_t>& out, std::chrono::system_clock::time_point t) {
    const std::time_t secs =
        std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04d%02d%02d%02d%02d%02dZ", tm.tm_year + 1900,
                                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    put_tlv(out, k_generalized_time, reinterpret_cast<const std::uint8_t*>(buf),
            static_cast<std::size_t>(n));
}

void put_single(std::vector<std::uint8_t>& out, const ocsp_single_response& r) {
    std::vector<std::uint8_t> single(r.cert_id_der);
    switch (r.status) {
    case ocsp_cert_status::good: // good [0] IMPLICIT NULL
        single.insert(single.end(), {0x80, 0x00});
        break;
    case ocsp_cert_status::unknown: // unknown [2] IMPLICIT NULL
        single.insert(single.end(), {0x82, 0x00});
        break;
    case ocsp_cert_status::revoked: { // revoked [1] IMPLICIT RevokedInfo
        std::vector<std::uint8_t> info;
        put_time(info, r.revocation_time);
        if (r.revocation_reason) { // revocationReason [0] EXPLICIT CRLReason
            info.insert(info.end(), {k_explicit_0, 0x03, k_enumerated, 0x01,
                                     static_cast<std::uint8_t>(*r.revocation_reason)});
        }
        put_tlv(single, k_explicit_1, info);
        break;
    }
    }
    put_time(single, r.this_update);
    std::vector<std::uint8_t> next;
    put_time(next, r.next_update);
    put_tlv(single, k_explicit_0, next);
    put_tlv(out, k_sequence, single);
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
    m_rsa = m_key->algo_name() == "RSA";
    // What every response signed with this key repeats, encoded once: responderID byKey
    // ([2] EXPLICIT KeyHash), the signature algorithm, certs ([0] EXPLICIT SEQUENCE { cert }).
    std::vector<std::uint8_t> key_hash;
    put_tlv(key_hash, k_octet_string, m_key_hash);
    put_tlv(m_responder_id_der, k_explicit_2, key_hash);
    const auto algorithm =
        m_rsa ? Botan::AlgorithmIdentifier(Botan::OID("1.2.840.113549.1.1.11"),
                                           Botan::AlgorithmIdentifier::USE_NULL_PARAM)
              : Botan::AlgorithmIdentifier(Botan::OID("1.2.840.10045.4.3.2"),
                                           Botan::AlgorithmIdentifier::USE_EMPTY_PARAM);
    Botan::DER_Encoder(m_algorithm_der).encode(algorithm);
    std::vector<std::uint8_t> certs;
    put_tlv(certs, k_sequence, m_cert_der);
    put_tlv(m_certs_der, k_explicit_0, certs);
}

std::vector<std::uint8_t> ocsp_signing_key::sign(const std::vector<std::uint8_t>& tbs) const {
    // PK_Signer is not thread-safe: one per thread and key, kept while the thread lives. A
    // renewed key gets a new id; the old entry then only costs its memory.
    thread_local std::unordered_map<std::uint64_t, thread_signer> signers;
    auto& entry = signers[m_id];
    if (!entry.signer) {
        entry.key = m_key;
        entry.signer = std::make_unique<Botan::PK_Signer>(
            *m_key, signing_rng(), m_rsa ? "EMSA3(SHA-256)" : "EMSA1(SHA-256)",
            m_rsa ? Botan::IEEE_1363 : Botan::DER_SEQUENCE);
    }
    return entry.signer->sign_message(tbs, signing_rng());
}

std::vector<std::uint8_t> ocsp_error_response(ocsp_response_status status) {
    return {k_sequence, 0x03, k_enumerated, 0x01, static_cast<std::uint8_t>(status)};
}

std::vector<std::uint8_t>
build_ocsp_response(const std::vector<ocsp_single_response>& responses,
                    std::chrono::system_clock::time_point produced_at,
                    const std::optional<std::vector<std::uint8_t>>& nonce_extn_value,
                    const ocsp_signing_key& signer) {
    // ResponseData, version v1 (DEFAULT: omitted).
    std::vector<std::uint8_t> data(signer.responder_id_der());
    put_time(data, produced_at);
    std::vector<std::uint8_t> singles;
    for (const auto& r : responses) {
        put_single(singles, r);
    }
    put_tlv(data, k_sequence, singles);
    if (nonce_extn_value) {
        // responseExtensions [1] EXPLICIT Extensions { Extension { nonce OID, extnValue } }
        std::vector<std::uint8_t> extension(std::begin(k_ocsp_nonce_oid),
                                            std::end(k_ocsp_nonce_oid));
        put_tlv(extension, k_octet_string, *nonce_extn_value);
        std::vector<std::uint8_t> extensions;
        put_tlv(extensions, k_sequence, extension);
        std::vector<std::uint8_t> list;
        put_tlv(list, k_sequence, extensions);
        put_tlv(data, k_explicit_1, list);
    }
    std::vector<std::uint8_t> tbs;
    tbs.reserve(data.size() + 4);
    put_tlv(tbs, k_sequence, data);

    const auto signature = signer.sign(tbs);

    // BasicOCSPResponse { tbsResponseData, signatureAlgorithm, signature, certs }
    std::vector<std::uint8_t> basic_content(std::move(tbs));
    basic_content.reserve(basic_content.size() + signer.algorithm_der().size() + signature.size() +
                          signer.certs_der().size() + 16);
    basic_content.insert(basic_content.end(), signer.algorithm_der().begin(),
                         signer.algorithm_der().end());
    basic_content.push_back(k_bit_string);
    put_length(basic_content, signature.size() + 1);
    basic_content.push_back(0x00); // no unused bits
    basic_content.insert(basic_content.end(), signature.begin(), signature.end());
    basic_content.insert(basic_content.end(), signer.certs_der().begin(), signer.certs_der().end());

    // OCSPResponse { successful, responseBytes [0] EXPLICIT { id-pkix-ocsp-basic, OCTET STRING
    // { BasicOCSPResponse } } }
    std::vector<std::uint8_t> basic;
    put_tlv(basic, k_sequence, basic_content);
    std::vector<std::uint8_t> bytes(std::begin(k_ocsp_basic_oid), std::end(k_ocsp_basic_oid));
    put_tlv(bytes, k_octet_string, basic);
    std::vector<std::uint8_t> response_bytes;
    put_tlv(response_bytes, k_sequence, bytes);
    std::vector<std::uint8_t> content{k_enumerated, 0x01,
                                      static_cast<std::uint8_t>(ocsp_response_status::successful)};
    put_tlv(content, k_explicit_0, response_bytes);
    std::vector<std::uint8_t> out;
    put_tlv(out, k_sequence, content);
    return out;
}

} // namespace localca::ca
