#include "ca/generated_key.hpp"

#include "ca/fingerprint.hpp"

#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/pkcs8.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include <memory>

namespace localca::ca {

subject_key subject_key_of_key(const Botan::Private_Key& key, authority_kind kind,
                               const std::string& cn, const std::string& organization) {
    subject_key sk;
    Botan::X509_DN dn;
    if (!organization.empty()) {
        dn.add_attribute(Botan::OID("2.5.4.10"),
                         Botan::ASN1_String(organization, Botan::UTF8_STRING));
    }
    dn.add_attribute(Botan::OID("2.5.4.3"), Botan::ASN1_String(cn, Botan::UTF8_STRING));
    Botan::DER_Encoder(sk.subject_der).encode(dn);
    sk.subject = dn;
    sk.cn = cn;
    // The SubjectPublicKeyInfo of the key's public half (for a private key Botan encodes only
    // the public fields here).
    sk.spki_der = Botan::X509::BER_encode(key);
    sk.spki_sha256 = sha256(sk.spki_der.data(), sk.spki_der.size());
    sk.key_kind = kind;
    return sk;
}

result<generated_credentials> issue_with_generated_key(engine& e, issue_request issue,
                                                       const std::string& cn,
                                                       const std::string& organization) {
    generated_credentials out;
    try {
        auto& rng = thread_rng();
        std::unique_ptr<Botan::Private_Key> key;
        if (issue.authority == authority_kind::ecc) {
            key = std::make_unique<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group("secp256r1"));
        } else {
            // RSA-2048: the RSA authority's key policy, and what every TLS client accepts.
            key = std::make_unique<Botan::RSA_PrivateKey>(rng, 2048);
        }
        issue.subject = subject_key_of_key(*key, issue.authority, cn, organization);
        out.private_key_pem = Botan::PKCS8::PEM_encode(*key);
    } catch (const std::exception& ex) {
        return make_error(errc::internal, "internal error", ex.what());
    }
    auto issued = e.issue_sync(std::move(issue));
    if (!issued) {
        return issued.err();
    }
    out.certificate = std::move(issued.value());
    return out;
}

} // namespace localca::ca
