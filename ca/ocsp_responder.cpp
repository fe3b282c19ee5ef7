#include "ca/ocsp_responder.hpp"

#include "ca/profile.hpp"
#include "storage/certificate_status.hpp"

#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include <algorithm>
#include <stdexcept>

namespace localca::ca {

namespace {

constexpr authority_kind k_kinds[] = {authority_kind::rsa, authority_kind::ecc};
const char* const k_hashes[] = {"SHA-1", "SHA-256", "SHA-384", "SHA-512"};
// After a failed renewal, the current responder certificate is used and renewal retried then.
constexpr auto k_retry = std::chrono::seconds(60);

const char* hash_oid(const std::string& hash) {
    if (hash == "SHA-1") {
        return "1.3.14.3.2.26";
    }
    if (hash == "SHA-256") {
        return "2.16.840.1.101.3.4.2.1";
    }
    if (hash == "SHA-384") {
        return "2.16.840.1.101.3.4.2.2";
    }
    if (hash == "SHA-512") {
        return "2.16.840.1.101.3.4.2.3";
    }
    throw std::invalid_argument("unsupported CertID hash " + hash);
}

std::vector<std::uint8_t> digest(const std::string& hash, const std::vector<std::uint8_t>& data) {
    auto h = Botan::HashFunction::create_or_throw(hash);
    const auto d = h->process(data);
    return {d.begin(), d.end()};
}

// The subject and public key of a responder certificate: "CN=LocalCA <RSA|ECC> OCSP Responder".
subject_key responder_subject(const Botan::Private_Key& key, authority_kind kind) {
    subject_key sk;
    const std::string cn = std::string("LocalCA ") + to_string(kind) + " OCSP Responder";
    Botan::X509_DN dn;
    dn.add_attribute(Botan::OID("2.5.4.3"), Botan::ASN1_String(cn, Botan::UTF8_STRING));
    Botan::DER_Encoder(sk.subject_der).encode(dn);
    sk.subject = dn;
    sk.cn = cn;
    sk.spki_der = Botan::X509::BER_encode(key);
    sk.spki_sha256 = digest("SHA-256", sk.spki_der);
    sk.key_kind = kind;
    return sk;
}

std::chrono::system_clock::time_point seconds_floor(std::chrono::system_clock::time_point t) {
    return std::chrono::floor<std::chrono::seconds>(t);
}

} // namespace

struct ocsp_responder::issuer {
    authority_kind kind = authority_kind::rsa;
    std::string name;
    // Per hash name: SHA(issuer DN DER), SHA(issuer subjectPublicKey BIT STRING contents).
    std::vector<
        std::pair<std::string, std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>>>
        hashes;
    std::shared_ptr<const Botan::Private_Key> private_key;

    std::mutex mutex; // key, renew_at
    std::shared_ptr<const ocsp_signing_key> key;
    std::chrono::system_clock::time_point renew_at;
    std::mutex renew_mutex; // one renewal at a time
};

struct ocsp_responder::cache_entry {
    std::optional<storage::certificate_state> state; // what the response says, as read
    std::uint64_t key_id = 0;
    std::vector<std::uint8_t> der;
    std::chrono::system_clock::time_point produced_at;
    std::chrono::system_clock::time_point next_update;
    std::chrono::system_clock::time_point refresh_at;
    std::string etag;
};

ocsp_responder::ocsp_responder(engine& e, ocsp_options opts)
    : m_engine(e), m_options(std::move(opts)) {
    if (m_options.max_requests == 0 || m_options.response_validity.count() <= 0 ||
        m_options.responder_validity <= m_options.response_validity * 2) {
        throw std::invalid_argument("OCSP options: max_requests > 0, response validity > 0 and "
                                    "responder validity > twice the response validity");
    }
    for (const auto kind : k_kinds) {
        auto is = std::make_unique<issuer>();
        is->kind = kind;
        is->name = to_string(kind);
        const auto& cert = m_engine.get(kind).cert();
        for (const char* h : k_hashes) {
            is->hashes.push_back({h,
                                  {digest(h, cert.raw_subject_dn()),
                                   digest(h, cert.subject_public_key_bitstring())}});
        }
        m_issuers.push_back(std::move(is));
    }
}

ocsp_responder::~ocsp_responder() = default;

ocsp_responder::issuer& ocsp_responder::issuer_of(authority_kind kind) {
    for (auto& is : m_issuers) {
        if (is->kind == kind) {
            return *is;
        }
    }
    throw std::logic_error("no such authority");
}

void ocsp_responder::start(std::chrono::system_clock::time_point now) {
    for (auto& is : m_issuers) {
        if (is->kind == authority_kind::rsa) {
            is->private_key = std::make_shared<const Botan::RSA_PrivateKey>(thread_rng(), 2048);
        } else {
            is->private_key = std::make_shared<const Botan::ECDSA_PrivateKey>(
                thread_rng(), Botan::EC_Group("secp256r1"));
        }
        std::lock_guard renewing(is->renew_mutex);
        renew(*is, now);
    }
}

std::shared_ptr<const ocsp_signing_key>
ocsp_responder::renew(issuer& is, std::chrono::system_clock::time_point now) {
    issue_request req;
    req.authority = is.kind;
    req.subject = responder_subject(*is.private_key, is.kind);
    req.validity = m_options.responder_validity;
    req.not_before = seconds_floor(now);
    req.profile = ocsp_responder_profile();
    req.audit.actor = "ocsp-responder";
    req.api = "server"; // LocalCA's own certificates (as the TLS one), not an API's
    auto issued = m_engine.issue_sync(std::move(req));
    if (!issued) {
        throw std::runtime_error("cannot issue the " + is.name + " OCSP responder certificate: " +
                                 issued.err().message + ": " + issued.err().detail);
    }
    auto key =
        std::make_shared<const ocsp_signing_key>(is.private_key, issued->der, issued->not_after);
    const auto lifetime = issued->not_after - issued->not_before;
    std::lock_guard lock(is.mutex);
    is.key = key;
    is.renew_at = issued->not_before + lifetime * 2 / 3;
    return key;
}

std::shared_ptr<const ocsp_signing_key>
ocsp_responder::signing_key(issuer& is, std::chrono::system_clock::time_point now) {
    std::shared_ptr<const ocsp_signing_key> current;
    {
        std::lock_guard lock(is.mutex);
        if (is.key && now < is.renew_at) {
            return is.key;
        }
        current = is.key;
    }
    if (!current) {
        throw std::logic_error("ocsp_responder::start() was not called");
    }
    // Usable while a response signed now expires before the certificate does.
    const bool usable = now + m_options.response_validity < current->not_after();
    std::unique_lock renewing(is.renew_mutex, std::try_to_lock);
    if (!renewing.owns_lock()) {
        if (usable) {
            return current; // another thread renews
        }
        renewing.lock();
    }
    {
        std::lock_guard lock(is.mutex);
        if (is.key != current) {
            return is.key; // renewed while we waited
        }
    }
    try {
        return renew(is, now);
    } catch (const std::exception&) {
        if (!usable) {
            throw;
        }
        std::lock_guard lock(is.mutex);
        is.renew_at = now + k_retry;
        return current;
    }
}

const ocsp_responder::issuer* ocsp_responder::match(const ocsp_cert_id& id) const {
    if (id.hash.empty()) {
        return nullptr;
    }
    for (const auto& is : m_issuers) {
        for (const auto& [hash, h] : is->hashes) {
            if (hash == id.hash && h.first == id.issuer_name_hash &&
                h.second == id.issuer_key_hash) {
                return is.get();
            }
        }
    }
    return nullptr;
}

std::vector<std::uint8_t> ocsp_responder::cert_id(authority_kind kind, const std::string& hash,
                                                  std::int64_t sn) const {
    for (const auto& is : m_issuers) {
        if (is->kind != kind) {
            continue;
        }
        for (const auto& [name, h] : is->hashes) {
            if (name == hash) {
                std::vector<std::uint8_t> der;
                Botan::DER_Encoder(der)
                    .start_cons(Botan::SEQUENCE)
                    .encode(Botan::AlgorithmIdentifier(Botan::OID(hash_oid(hash)),
                                                       Botan::AlgorithmIdentifier::USE_NULL_PARAM))
                    .encode(h.first, Botan::OCTET_STRING)
                    .encode(h.second, Botan::OCTET_STRING)
                    .encode(Botan::BigInt(static_cast<std::uint64_t>(sn)))
                    .end_cons();
                return der;
            }
        }
    }
    throw std::invalid_argument("unsupported CertID hash " + hash);
}

ocsp_answer ocsp_responder::answer(const ocsp_request& req,
                                   std::chrono::system_clock::time_point now) {
    now = seconds_floor(now);
    ocsp_answer out;
    const issuer* found = nullptr;
    for (const auto& id : req.cert_ids) {
        const auto* is = match(id);
        // One response is signed by one authority's responder: a request mixing issuers, or
        // naming one we do not hold, is not ours to answer.
        if (!is || (found && is != found)) {
            out.status = ocsp_response_status::unauthorized;
            out.der = ocsp_error_response(out.status);
            out.detail = is ? "CertIDs of two authorities" : "issuer not held here";
            return out;
        }
        found = is;
    }
    auto& is = issuer_of(found->kind);
    const auto key = signing_key(is, now);

    std::vector<std::optional<storage::certificate_state>> states;
    auto& db = m_engine.store().reader();
    for (const auto& id : req.cert_ids) {
        std::optional<storage::certificate_state> s;
        if (id.serial) {
            s = storage::find_certificate_state(db, *id.serial);
            if (s && s->authority != is.name) {
                s.reset(); // a serial of the other authority: not issued by this one
            }
        }
        states.push_back(std::move(s));
    }

    const bool cacheable = !req.nonce && req.cert_ids.size() == 1;
    const auto from_entry = [&out](const cache_entry& e) {
        out.status = ocsp_response_status::successful;
        out.der = e.der;
        out.cacheable = true;
        out.produced_at = e.produced_at;
        out.next_update = e.next_update;
        out.etag = e.etag;
        return out;
    };
    const auto& cache_key = req.cert_ids.front().der;
    if (cacheable) {
        std::shared_ptr<const cache_entry> e;
        {
            std::lock_guard lock(m_cache_mutex);
            const auto it = m_cache.find(std::string(cache_key.begin(), cache_key.end()));
            if (it != m_cache.end()) {
                e = it->second;
            }
        }
        if (e && e->key_id == key->id() && e->state == states.front() && now < e->refresh_at) {
            return from_entry(*e);
        }
    }

    const auto next_update = std::min(now + m_options.response_validity, key->not_after());
    std::vector<ocsp_single_response> singles;
    for (std::size_t i = 0; i < req.cert_ids.size(); ++i) {
        ocsp_single_response r;
        r.cert_id_der = req.cert_ids[i].der;
        r.this_update = now;
        r.next_update = next_update;
        const auto& s = states[i];
        if (!s) {
            r.status = ocsp_cert_status::unknown;
        } else if (s->revoked) {
            r.status = ocsp_cert_status::revoked;
            r.revocation_time =
                std::chrono::system_clock::time_point(std::chrono::seconds(s->revoked_at));
            // unspecified (0) is left out, as RFC 5280 5.3.1 asks of CRL entries.
            if (s->reason != 0) {
                r.revocation_reason = s->reason;
            }
        } else {
            r.status = ocsp_cert_status::good;
        }
        singles.push_back(std::move(r));
    }
    out.status = ocsp_response_status::successful;
    out.der = build_ocsp_response(singles, now, req.nonce, *key);
    out.produced_at = now;
    out.next_update = next_update;
    if (!cacheable) {
        return out;
    }
    auto e = std::make_shared<cache_entry>();
    e->state = states.front();
    e->key_id = key->id();
    e->der = out.der;
    e->produced_at = now;
    e->next_update = next_update;
    e->refresh_at = now + (next_update - now) / 2;
    const auto sha = digest("SHA-256", out.der);
    e->etag = "\"" + Botan::hex_encode(sha.data(), 16, false) + "\"";
    {
        std::lock_guard lock(m_cache_mutex);
        if (m_cache.size() >= m_options.cache_entries) {
            m_cache.erase(m_cache.begin()); // any one: the cache only saves signatures
        }
        m_cache[std::string(cache_key.begin(), cache_key.end())] = e;
    }
    return from_entry(*e);
}

ocsp_answer ocsp_responder::respond(const std::uint8_t* der, std::size_t size,
                                    std::chrono::system_clock::time_point now) {
    const auto parsed = parse_ocsp_request(der, size, m_options.max_requests);
    if (!parsed.request) {
        ocsp_answer out;
        out.status = ocsp_response_status::malformed_request;
        out.der = ocsp_error_response(out.status);
        out.detail = parsed.detail;
        return out;
    }
    try {
        return answer(*parsed.request, now);
    } catch (const std::exception& e) {
        ocsp_answer out;
        out.status = ocsp_response_status::internal_error;
        out.der = ocsp_error_response(out.status);
        out.detail = e.what();
        return out;
    }
}

ocsp_answer ocsp_responder::respond_for(authority_kind kind, std::int64_t sn,
                                        std::chrono::system_clock::time_point now) {
    ocsp_request req;
    ocsp_cert_id id;
    id.hash = "SHA-1";
    id.der = cert_id(kind, "SHA-1", sn);
    const auto& is = issuer_of(kind);
    id.issuer_name_hash = is.hashes.front().second.first;
    id.issuer_key_hash = is.hashes.front().second.second;
    id.serial = sn;
    req.cert_ids.push_back(std::move(id));
    try {
        return answer(req, now);
    } catch (const std::exception& e) {
        ocsp_answer out;
        out.status = ocsp_response_status::internal_error;
        out.der = ocsp_error_response(out.status);
        out.detail = e.what();
        return out;
    }
}

} // namespace localca::ca
