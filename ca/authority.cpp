#include "ca/authority.hpp"

#include <botan/auto_rng.h>
#include <botan/chacha_rng.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>
#include <botan/x509_ca.h>
#include <botan/x509_ext.h>

#include <cctype>
#include <chrono>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace localca::ca {

namespace {

struct signature_scheme {
    const char* padding;       // Botan EMSA spec
    Botan::Signature_Format format;
    const char* oid;           // signatureAlgorithm of what we sign
    Botan::AlgorithmIdentifier::Encoding_Option params;
};

// sha256WithRSAEncryption (PKCS#1 v1.5, NULL parameters) / ecdsa-with-SHA256 (absent parameters,
// DER signature as X.509 requires).
signature_scheme scheme_of(authority_kind kind) {
    if (kind == authority_kind::rsa) {
        return {"EMSA3(SHA-256)", Botan::IEEE_1363, "1.2.840.113549.1.1.11",
                Botan::AlgorithmIdentifier::USE_NULL_PARAM};
    }
    return {"EMSA1(SHA-256)", Botan::DER_SEQUENCE, "1.2.840.10045.4.3.2",
            Botan::AlgorithmIdentifier::USE_EMPTY_PARAM};
}

void check_key_kind(authority_kind kind, const Botan::Private_Key& key) {
    if (kind == authority_kind::rsa) {
        const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key);
        if (rsa == nullptr) {
            throw std::runtime_error("the RSA authority's key is not an RSA key");
        }
        return;
    }
    const auto* ec = dynamic_cast<const Botan::ECDSA_PublicKey*>(&key);
    if (ec == nullptr || ec->domain().get_curve_oid() != Botan::OID("1.2.840.10045.3.1.7")) {
        throw std::runtime_error("the ECC authority's key is not a P-256 ECDSA key");
    }
}

std::string trim(std::string_view s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) {
        ++b;
    }
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) {
        --e;
    }
    return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

struct attribute_type {
    const char* oid;
    Botan::ASN1_Tag string_type; // NO_OBJECT: PrintableString when possible, else UTF8String
};

attribute_type attribute_of(const std::string& key) {
    const std::string k = lower(key);
    if (k == "cn" || k == "commonname") return {"2.5.4.3", Botan::NO_OBJECT};
    if (k == "c" || k == "countryname") return {"2.5.4.6", Botan::PRINTABLE_STRING};
    if (k == "l" || k == "localityname") return {"2.5.4.7", Botan::NO_OBJECT};
    if (k == "st" || k == "stateorprovincename") return {"2.5.4.8", Botan::NO_OBJECT};
    if (k == "street") return {"2.5.4.9", Botan::NO_OBJECT};
    if (k == "o" || k == "organizationname") return {"2.5.4.10", Botan::NO_OBJECT};
    if (k == "ou" || k == "organizationalunitname") return {"2.5.4.11", Botan::NO_OBJECT};
    if (k == "title") return {"2.5.4.12", Botan::NO_OBJECT};
    if (k == "serialnumber") return {"2.5.4.5", Botan::PRINTABLE_STRING};
    if (k == "dc" || k == "domaincomponent") return {"0.9.2342.19200300.100.1.25", Botan::IA5_STRING};
    if (k == "uid" || k == "userid") return {"0.9.2342.19200300.100.1.1", Botan::NO_OBJECT};
    if (k == "emailaddress" || k == "e") return {"1.2.840.113549.1.9.1", Botan::IA5_STRING};
    throw std::invalid_argument("unknown attribute \"" + key + "\" in the authority subject");
}

// "CN=LocalCA RSA Root CA,O=LocalCA" -> DN with one RDN per attribute, in the given order
// (the first is the first in the DER). A backslash escapes the next character.
Botan::X509_DN parse_subject(const std::string& text) {
    std::vector<std::string> parts;
    std::string cur;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            cur.push_back('\\');
            cur.push_back(text[++i]);
        } else if (c == ',') {
            parts.push_back(cur);
            cur.clear();
        } else {
            cur.push_back(c);
        }
    }
    parts.push_back(cur);

    Botan::X509_DN dn;
    for (const auto& part : parts) {
        const auto eq = part.find('=');
        if (eq == std::string::npos) {
            throw std::invalid_argument("authority subject \"" + text +
                                        "\" is not of the form CN=...,O=...");
        }
        const std::string key = trim(std::string_view(part).substr(0, eq));
        std::string value;
        const std::string raw = trim(std::string_view(part).substr(eq + 1));
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '\\' && i + 1 < raw.size()) {
                ++i;
            }
            value.push_back(raw[i]);
        }
        if (value.empty()) {
            throw std::invalid_argument("empty value for " + key + " in the authority subject");
        }
        const auto type = attribute_of(key);
        if (std::string(type.oid) == "2.5.4.6" && value.size() != 2) {
            throw std::invalid_argument("country in the authority subject must be 2 letters");
        }
        if (type.string_type == Botan::NO_OBJECT) {
            dn.add_attribute(Botan::OID(type.oid), Botan::ASN1_String(value));
        } else {
            dn.add_attribute(Botan::OID(type.oid), Botan::ASN1_String(value, type.string_type));
        }
    }
    if (dn.empty()) {
        throw std::invalid_argument("the authority subject is empty");
    }
    return dn;
}

std::chrono::system_clock::time_point whole_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::floor<std::chrono::seconds>(t);
}

// Per-thread signers, keyed by the key object. The entry holds a reference to the key, so the
// key (and its address) stays alive as long as a signer uses it: no stale entry can be found by
// a later authority whose key happens to reuse the address.
struct cached_signer {
    std::shared_ptr<Botan::Private_Key> key; // declared first: destroyed after the signer
    std::unique_ptr<Botan::PK_Signer> signer;
};

} // namespace

Botan::RandomNumberGenerator& thread_rng() {
    thread_local Botan::AutoSeeded_RNG rng;
    return rng;
}

Botan::RandomNumberGenerator& signing_rng() {
    // Reseeds from the system RNG every BOTAN_RNG_DEFAULT_RESEED_INTERVAL (1024) requests, and
    // after a fork (Stateful_RNG checks the pid).
    thread_local Botan::ChaCha_RNG rng(Botan::system_rng());
    return rng;
}

authority::authority(authority_kind kind, Botan::X509_Certificate cert,
                     std::unique_ptr<Botan::Private_Key> key)
    : m_kind(kind), m_cert(std::move(cert)), m_key(std::move(key)) {
    if (!m_key) {
        throw std::invalid_argument("authority without a key");
    }
    check_key_kind(kind, *m_key);
    // A root and a key that do not belong together would sign certificates nobody can verify.
    if (m_cert.subject_public_key_info() != m_key->subject_public_key()) {
        throw std::runtime_error(std::string("the ") + to_string(kind) +
                                 " authority's key does not match its root certificate");
    }
    m_cert_pem = m_cert.PEM_encode();
    const auto scheme = scheme_of(kind);
    m_sig_algo = Botan::AlgorithmIdentifier(Botan::OID(scheme.oid), scheme.params);
}

authority authority::create(authority_kind kind, const authority_options& opts,
                            Botan::RandomNumberGenerator& rng,
                            std::chrono::system_clock::time_point now) {
    if (opts.validity_days <= 0) {
        throw std::invalid_argument("authority validity must be a positive number of days");
    }
    const Botan::X509_DN subject = parse_subject(opts.subject);

    std::unique_ptr<Botan::Private_Key> key;
    if (kind == authority_kind::rsa) {
        key = std::make_unique<Botan::RSA_PrivateKey>(rng, 2048);
    } else {
        key = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
    }

    const auto scheme = scheme_of(kind);
    const Botan::AlgorithmIdentifier sig_algo(Botan::OID(scheme.oid), scheme.params);
    Botan::PK_Signer signer(*key, rng, scheme.padding, scheme.format);

    // SKI: RFC 5280 method 1, SHA-1 of the subjectPublicKey bits; the root's AKI is its own SKI.
    const Botan::Cert_Extension::Subject_Key_ID ski(key->public_key_bits(), "SHA-1");
    Botan::Extensions extensions;
    extensions.add(new Botan::Cert_Extension::Basic_Constraints(true, Botan::Cert_Extension::NO_CERT_PATH_LIMIT),
                   true);
    extensions.add(new Botan::Cert_Extension::Key_Usage(
                       Botan::Key_Constraints(Botan::KEY_CERT_SIGN | Botan::CRL_SIGN)),
                   true);
    extensions.add(new Botan::Cert_Extension::Subject_Key_ID(ski.get_key_id()), false);
    extensions.add(new Botan::Cert_Extension::Authority_Key_ID(ski.get_key_id()), false);

    // Random positive 128-bit serial (top bit set, so always 16 bytes of magnitude).
    const Botan::BigInt serial(rng, 128);
    const auto not_before = whole_seconds(now);
    const auto not_after =
        not_before + std::chrono::seconds(std::int64_t{opts.validity_days} * 86400);

    Botan::X509_Certificate cert = Botan::X509_CA::make_cert(
        &signer, rng, serial, sig_algo, key->subject_public_key(), Botan::X509_Time(not_before),
        Botan::X509_Time(not_after), subject, subject, extensions);
    return authority(kind, std::move(cert), std::move(key));
}

Botan::PK_Signer& authority::signer() const {
    // The RNG first: a signer keeps a reference to it, so it must be destroyed after the cache.
    Botan::RandomNumberGenerator& rng = signing_rng();
    thread_local std::unordered_map<const Botan::Private_Key*, cached_signer> cache;
    auto it = cache.find(m_key.get());
    if (it != cache.end()) {
        return *it->second.signer;
    }
    // Drop the signers of authorities nobody else holds any more (engines of finished tests,
    // reloads), so a long-lived thread does not accumulate them.
    std::erase_if(cache, [](const auto& e) { return e.second.key.use_count() == 1; });
    const auto scheme = scheme_of(m_kind);
    cached_signer entry;
    entry.key = m_key;
    entry.signer = std::make_unique<Botan::PK_Signer>(*m_key, rng, scheme.padding, scheme.format);
    return *cache.emplace(m_key.get(), std::move(entry)).first->second.signer;
}

} // namespace localca::ca
