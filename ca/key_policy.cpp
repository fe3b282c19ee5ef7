#include "ca/key_policy.hpp"

#include <botan/ecdsa.h>
#include <botan/rsa.h>

namespace localca::ca {

namespace {

// Constants of the policy, and names for the ones we mention in error details.
const Botan::OID& oid_rsa() {
    static const Botan::OID o("1.2.840.113549.1.1.1");
    return o;
}
const Botan::OID& oid_ec_public_key() {
    static const Botan::OID o("1.2.840.10045.2.1");
    return o;
}
const Botan::OID& oid_p256() {
    static const Botan::OID o("1.2.840.10045.3.1.7");
    return o;
}
const Botan::OID& oid_sha256_with_rsa() {
    static const Botan::OID o("1.2.840.113549.1.1.11");
    return o;
}
const Botan::OID& oid_ecdsa_with_sha256() {
    static const Botan::OID o("1.2.840.10045.4.3.2");
    return o;
}

} // namespace

std::string oid_name(const Botan::OID& oid) {
    struct entry {
        const char* oid;
        const char* name;
    };
    static const entry names[] = {
        {"1.2.840.113549.1.1.1", "RSA"},
        {"1.2.840.113549.1.1.4", "md5WithRSAEncryption"},
        {"1.2.840.113549.1.1.5", "sha1WithRSAEncryption"},
        {"1.2.840.113549.1.1.10", "RSASSA-PSS"},
        {"1.2.840.113549.1.1.11", "sha256WithRSAEncryption"},
        {"1.2.840.113549.1.1.12", "sha384WithRSAEncryption"},
        {"1.2.840.113549.1.1.13", "sha512WithRSAEncryption"},
        {"1.2.840.113549.1.1.14", "sha224WithRSAEncryption"},
        {"1.2.840.10045.2.1", "EC"},
        {"1.2.840.10045.4.1", "ecdsa-with-SHA1"},
        {"1.2.840.10045.4.3.1", "ecdsa-with-SHA224"},
        {"1.2.840.10045.4.3.2", "ecdsa-with-SHA256"},
        {"1.2.840.10045.4.3.3", "ecdsa-with-SHA384"},
        {"1.2.840.10045.4.3.4", "ecdsa-with-SHA512"},
        {"1.2.840.10045.3.1.7", "P-256 (secp256r1)"},
        {"1.3.132.0.34", "P-384 (secp384r1)"},
        {"1.3.132.0.35", "P-521 (secp521r1)"},
        {"1.3.132.0.10", "secp256k1"},
        {"1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1"},
        {"1.2.840.10040.4.1", "DSA"},
        {"1.3.101.112", "Ed25519"},
        {"1.3.101.113", "Ed448"},
        {"1.2.156.10197.1.501", "SM2-with-SM3"},
    };
    const std::string dotted = oid.to_string();
    for (const auto& e : names) {
        if (dotted == e.oid) {
            return e.name;
        }
    }
    return "algorithm " + dotted;
}

error key_refused(std::string detail) {
    return make_error(errc::key_not_allowed, "key not allowed", std::move(detail));
}

std::optional<error> check_key_algorithm(const algorithm_identifier& alg, authority_kind kind) {
    if (kind == authority_kind::rsa) {
        if (alg.oid != oid_rsa()) {
            std::string what = oid_name(alg.oid);
            if (alg.oid == oid_ec_public_key() && alg.params && alg.params->tag == 0x06) {
                // Appended, not " " + name: GCC 12 warns falsely on that (-Wrestrict, bug 105651).
                what.append(" ").append(oid_name(decode_oid(*alg.params)));
            }
            return key_refused("CSR key is " + what + "; the RSA authority requires RSA-2048");
        }
        if (alg.params && !(alg.params->tag == 0x05 && alg.params->value.empty())) {
            throw der_error("unexpected RSA key parameters");
        }
        return std::nullopt;
    }
    if (alg.oid != oid_ec_public_key()) {
        return key_refused("CSR key is " + oid_name(alg.oid) +
                           "; the ECC authority requires EC P-256 (secp256r1)");
    }
    // Named curves only: explicit curve parameters are a known source of validation bugs.
    if (!alg.params || alg.params->tag != 0x06) {
        return key_refused("EC key without a named curve; the ECC authority requires P-256 "
                           "(secp256r1)");
    }
    const Botan::OID curve = decode_oid(*alg.params);
    if (curve != oid_p256()) {
        return key_refused("EC key is on " + oid_name(curve) +
                           "; the ECC authority requires P-256 (secp256r1)");
    }
    return std::nullopt;
}

std::optional<error> check_signature_algorithm(const algorithm_identifier& alg,
                                               authority_kind kind) {
    const bool rsa = kind == authority_kind::rsa;
    const Botan::OID& wanted = rsa ? oid_sha256_with_rsa() : oid_ecdsa_with_sha256();
    if (alg.oid != wanted) {
        return make_error(errc::signature_algorithm_not_allowed, "signature algorithm not allowed",
                          "CSR is signed with " + oid_name(alg.oid) + "; the " + to_string(kind) +
                              " authority requires " + oid_name(wanted));
    }
    // RFC 4055: NULL (or, tolerated, absent) for RSA; RFC 5758: absent for ECDSA.
    if (alg.params) {
        const bool null_params = alg.params->tag == 0x05 && alg.params->value.empty();
        if (!rsa || !null_params) {
            throw der_error("unexpected signature algorithm parameters");
        }
    }
    return std::nullopt;
}

status check_key(const Botan::Public_Key& key, authority_kind kind) {
    if (kind == authority_kind::rsa) {
        const auto* rsa = dynamic_cast<const Botan::RSA_PublicKey*>(&key);
        if (rsa == nullptr) {
            return key_refused("key is " + key.algo_name() +
                               "; the RSA authority requires RSA-2048");
        }
        const std::size_t bits = rsa->get_n().bits();
        if (bits != 2048) {
            return key_refused("RSA key is " + std::to_string(bits) +
                               " bits; the RSA authority requires 2048");
        }
        const auto& e = rsa->get_e();
        if (e < 3 || e.is_even() || rsa->get_n().is_even()) {
            return key_refused("RSA public key is invalid (bad exponent or modulus)");
        }
        return success();
    }
    const auto* ec = dynamic_cast<const Botan::ECDSA_PublicKey*>(&key);
    if (ec == nullptr || key.algo_name() != "ECDSA") {
        return key_refused("key is " + key.algo_name() +
                           "; the ECC authority requires EC P-256 (secp256r1)");
    }
    const Botan::OID& curve = ec->domain().get_curve_oid();
    if (curve != oid_p256()) {
        const std::string name = curve.empty() ? "explicit curve parameters" : oid_name(curve);
        return key_refused("EC key is on " + name +
                           "; the ECC authority requires P-256 (secp256r1)");
    }
    return success();
}

} // namespace localca::ca
