#include "ca/profile.hpp"

#include <botan/ber_dec.h>
#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/x509_ca.h>

#include <stdexcept>

namespace localca::ca {

namespace {

// SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2 method 1), taken from the
// SubjectPublicKeyInfo we put in the certificate, not from a re-encoding of the key object.
std::vector<std::uint8_t> key_identifier(const std::vector<std::uint8_t>& spki_der) {
    Botan::AlgorithmIdentifier alg;
    std::vector<std::uint8_t> key_bits;
    Botan::BER_Decoder(spki_der)
        .start_cons(Botan::SEQUENCE)
        .decode(alg)
        .decode(key_bits, Botan::BIT_STRING)
        .end_cons();
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(key_bits);
    const auto id = sha1->final();
    return {id.begin(), id.end()};
}

// The DER of a cRLDistributionPoints extension (SEQUENCE { OID, OCTET STRING }) with one
// distribution point whose fullName is the URI. Botan 2.19 can decode this extension but throws
// Not_Implemented when asked to encode it, hence the manual encoding.
std::vector<std::uint8_t> crl_distribution_points(const std::string& uri) {
    const auto cs = Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);
    std::vector<std::uint8_t> value;
    Botan::DER_Encoder(value)
        .start_cons(Botan::SEQUENCE)                 // CRLDistributionPoints
        .start_cons(Botan::SEQUENCE)                 //   DistributionPoint
        .start_cons(Botan::ASN1_Tag(0), cs)          //     distributionPoint [0]
        .start_cons(Botan::ASN1_Tag(0), cs)          //       fullName [0] GeneralNames
        .add_object(Botan::ASN1_Tag(6), Botan::CONTEXT_SPECIFIC,
                    reinterpret_cast<const std::uint8_t*>(uri.data()), uri.size()) // URI [6]
        .end_cons()
        .end_cons()
        .end_cons()
        .end_cons();
    std::vector<std::uint8_t> extension;
    Botan::DER_Encoder(extension)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::OID("2.5.29.31"))
        .encode(value, Botan::OCTET_STRING)
        .end_cons();
    return extension;
}

} // namespace

std::string crl_url(const std::string& public_base_url, authority_kind kind) {
    std::string base = public_base_url;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base + "/enos/CA/crl/" + to_string(kind);
}

certificate_profile device_profile() {
    return certificate_profile{};
}

Botan::Extensions device_extensions(const authority& ca, const subject_key& sk,
                                    const std::string& public_base_url) {
    return profile_extensions(ca, sk, public_base_url, device_profile());
}

Botan::Extensions profile_extensions(const authority& ca, const subject_key& sk,
                                     const std::string& public_base_url,
                                     const certificate_profile& profile) {
    Botan::Extensions known;
    known.add(new Botan::Cert_Extension::Basic_Constraints(false),
              profile.basic_constraints_critical);
    if (profile.key_usage) {
        known.add(new Botan::Cert_Extension::Key_Usage(*profile.key_usage), true);
    }
    if (!profile.extended_key_usage.empty()) {
        known.add(new Botan::Cert_Extension::Extended_Key_Usage(profile.extended_key_usage),
                  false);
    }
    known.add(new Botan::Cert_Extension::Subject_Key_ID(key_identifier(sk.spki_der)), false);
    known.add(new Botan::Cert_Extension::Authority_Key_ID(ca.cert().subject_key_id()), false);

    // Botan::Extensions keeps the encoding of extensions it decoded and writes it back as is, so
    // decoding our list (the known ones plus the hand-encoded CRL DP) yields an object that
    // make_cert() encodes exactly as built here.
    std::vector<std::uint8_t> list;
    Botan::DER_Encoder(list).encode(known);
    const auto dp = crl_distribution_points(crl_url(public_base_url, ca.kind()));
    list.insert(list.end(), dp.begin(), dp.end());
    std::vector<std::uint8_t> sequence;
    Botan::DER_Encoder(sequence).start_cons(Botan::SEQUENCE).raw_bytes(list).end_cons();

    Botan::Extensions extensions;
    Botan::BER_Decoder(sequence).decode(extensions).verify_end();
    return extensions;
}

std::chrono::system_clock::time_point device_not_after(const authority& ca,
                                                       std::chrono::system_clock::time_point nb,
                                                       std::int64_t days) {
    const auto root_end = std::chrono::system_clock::time_point(
        std::chrono::seconds(static_cast<std::int64_t>(ca.cert().not_after().time_since_epoch())));
    if (nb >= root_end || days <= 0) {
        return std::min(nb, root_end);
    }
    // Compare in days first: days * 86400 may overflow for absurd requests.
    const auto room = std::chrono::duration_cast<std::chrono::seconds>(root_end - nb).count();
    if (days > room / 86400) {
        return root_end;
    }
    return std::min(root_end, nb + std::chrono::seconds(days * 86400));
}

std::vector<std::uint8_t> sign_certificate(const authority& ca, const subject_key& sk,
                                           const certificate_spec& spec) {
    if (spec.serial <= 0) {
        throw std::invalid_argument("certificate serial must be positive");
    }
    // The subject is decoded from subject_der here so the certificate carries exactly those
    // bytes (X509_DN re-emits what it decoded), whatever the caller did with sk.subject.
    Botan::X509_DN subject;
    Botan::BER_Decoder(sk.subject_der).decode(subject).verify_end();

    const auto nb = std::chrono::floor<std::chrono::seconds>(spec.not_before);
    const auto na = std::chrono::floor<std::chrono::seconds>(spec.not_after);
    const Botan::X509_Certificate cert = Botan::X509_CA::make_cert(
        &ca.signer(), thread_rng(), Botan::BigInt(static_cast<std::uint64_t>(spec.serial)),
        ca.signature_algorithm(), sk.spki_der, Botan::X509_Time(nb), Botan::X509_Time(na),
        ca.cert().subject_dn(), subject, spec.extensions);
    return cert.BER_encode();
}

} // namespace localca::ca
