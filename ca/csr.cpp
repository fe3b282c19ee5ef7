#include "ca/csr.hpp"

#include "ca/authority.hpp"
#include "ca/csr_pem.hpp"
#include "ca/der_oid.hpp"
#include "ca/der_reader.hpp"
#include "ca/fingerprint.hpp"
#include "ca/proof_of_possession.hpp"
#include "ca/rsa_verify.hpp"
#include "ca/subject_name.hpp"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/rsa.h>
#include <botan/x509_key.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace localca::ca {

namespace {

// Far above any real CSR (an RSA-4096 request with a long subject is under 2 KiB); bounds the
// work an attacker can make us do before anything is checked.
constexpr std::size_t k_max_csr_size = 64 * 1024;

std::vector<std::uint8_t> to_vector(der_bytes b) {
    return {b.begin(), b.end()};
}

error csr_error(errc code, std::string detail) {
    const char* message = code == errc::csr_signature_invalid ? "CSR signature is invalid"
                          : code == errc::signature_algorithm_not_allowed
                              ? "signature algorithm not allowed"
                              : "malformed CSR";
    return make_error(code, message, std::move(detail));
}

struct parsed_request {
    der_element info;
    der_element subject;
    der_element spki;
    algorithm_identifier key_algorithm;
    algorithm_identifier signature_algorithm;
    der_bytes signature;
    der_bytes public_key; // the subjectPublicKey BIT STRING's bits (after the unused-bits byte)
};

// The structure of the request, walked with the strict reader so that every slice we keep (info,
// subject, key) is exactly the bytes the requester signed.
parsed_request parse_request(der_bytes der) {
    der_reader top(der);
    auto request = top.expect(0x30, "CertificationRequest");
    top.expect_end("CertificationRequest");

    der_reader r(request.value);
    parsed_request p;
    p.info = r.expect(0x30, "CertificationRequestInfo");
    p.signature_algorithm =
        decode_algorithm(r.expect(0x30, "signatureAlgorithm"), "signatureAlgorithm");
    auto signature = r.expect(0x03, "signature");
    r.expect_end("signature");
    if (signature.value.empty() || signature.value[0] != 0) {
        throw der_error("signature BIT STRING has unused bits");
    }
    p.signature = signature.value.subspan(1);

    der_reader info(p.info.value);
    auto version = info.expect(0x02, "version");
    if (version.value.size() != 1 || version.value[0] != 0) {
        throw der_error("unsupported CSR version");
    }
    p.subject = info.expect(0x30, "subject");
    p.spki = info.expect(0x30, "subjectPKInfo");
    if (!info.at_end()) {
        info.expect(0xa0, "attributes"); // ignored: nothing of a request's attributes is used
    }
    info.expect_end("attributes");

    der_reader spki(p.spki.value);
    p.key_algorithm = decode_algorithm(spki.expect(0x30, "key algorithm"), "key algorithm");
    auto key_bits = spki.expect(0x03, "subjectPublicKey");
    spki.expect_end("subjectPublicKey");
    if (key_bits.value.empty() || key_bits.value[0] != 0) {
        throw der_error("public key BIT STRING has unused bits");
    }
    p.public_key = key_bits.value.subspan(1);
    check_name_structure(p.subject);
    return p;
}

result<subject_key> check_csr_der(der_bytes der, authority_kind kind) {
    const parsed_request p = parse_request(der);

    if (auto refused = check_key_algorithm(p.key_algorithm, kind)) {
        return *refused;
    }

    subject_key sk;
    {
        Botan::BER_Decoder dec(p.subject.whole.data(), p.subject.whole.size());
        sk.subject.decode_from(dec);
    }
    sk.subject_der = to_vector(p.subject.whole);
    sk.cn = first_common_name(sk.subject);
    sk.spki_der = to_vector(p.spki.whole);

    // Key policy first, then the signature algorithm, then the proof of possession.
    const bool rsa = kind == authority_kind::rsa;
    std::optional<rsa_public_numbers> rsa_key;
    std::unique_ptr<Botan::Public_Key> ecc_key;
    if (rsa) {
        rsa_key = rsa_key_of(p.public_key);
    } else {
        ecc_key = ecc_key_of(sk.spki_der);
    }
    if (auto refused = check_signature_algorithm(p.signature_algorithm, kind)) {
        return *refused;
    }
    const bool valid = rsa ? verify_rsa_pkcs1_sha256(*rsa_key, p.info.whole, p.signature)
                           : verify_ecdsa(*ecc_key, p.info.whole, p.signature);
    if (!valid) {
        return csr_error(errc::csr_signature_invalid,
                         "the CSR signature does not verify with its public key");
    }

    sk.key_kind = kind;
    sk.spki_sha256 = sha256(sk.spki_der);
    return sk;
}

} // namespace

result<subject_key> check_csr(std::string_view pem_or_der, authority_kind kind) {
    if (pem_or_der.size() > k_max_csr_size) {
        return csr_error(errc::csr_malformed, "the CSR is larger than 64 KiB");
    }
    try {
        const auto der = csr_to_der(pem_or_der);
        return check_csr_der(der, kind);
    } catch (const der_error& e) {
        return csr_error(errc::csr_malformed, e.what());
    } catch (const key_policy_refusal& r) {
        return key_refused(r.detail);
    } catch (const Botan::Exception&) {
        // Botan's decoders (OID, DN strings) refusing part of the request.
        return csr_error(errc::csr_malformed, "the CSR is not a valid PKCS#10 request");
    }
}

result<subject_key> subject_key_of(const Botan::X509_Certificate& cert, authority_kind kind) {
    const std::unique_ptr<const Botan::Public_Key> key(cert.load_subject_public_key());
    if (auto st = check_key(*key, kind); !st) {
        return st.err();
    }
    subject_key sk;
    sk.subject = cert.subject_dn();
    // A decoded X509_DN re-emits the bytes it was decoded from.
    Botan::DER_Encoder(sk.subject_der).encode(sk.subject);
    sk.cn = first_common_name(sk.subject);
    sk.spki_der = cert.subject_public_key_info();
    sk.spki_sha256 = sha256(sk.spki_der);
    sk.key_kind = kind;
    return sk;
}

} // namespace localca::ca
