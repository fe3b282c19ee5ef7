#include "ca/proof_of_possession.hpp"

#include "ca/key_policy.hpp"

#include <botan/pubkey.h>
#include <botan/x509_key.h>

#include <exception>
#include <stdexcept>

namespace localca::ca {

rsa_public_numbers rsa_key_of(der_bytes public_key_bits) {
    rsa_key_check key;
    try {
        key = decode_rsa_public_key(public_key_bits);
    } catch (const std::invalid_argument&) {
        throw der_error("invalid public key");
    }
    if (!key.key) {
        throw key_policy_refusal{key.refusal};
    }
    return std::move(*key.key);
}

std::unique_ptr<Botan::Public_Key> ecc_key_of(const std::vector<std::uint8_t>& spki_der) {
    std::unique_ptr<Botan::Public_Key> key;
    try {
        key.reset(Botan::X509::load_key(spki_der));
    } catch (const std::exception&) {
        throw der_error("invalid public key");
    }
    if (!key) {
        throw der_error("invalid public key");
    }
    if (auto st = check_key(*key, authority_kind::ecc); !st) {
        throw key_policy_refusal{st.err().detail};
    }
    return key;
}

bool verify_ecdsa(const Botan::Public_Key& key, der_bytes info, der_bytes signature) {
    try {
        Botan::PK_Verifier verifier(key, "EMSA1(SHA-256)", Botan::DER_SEQUENCE);
        return verifier.verify_message(info.data(), info.size(), signature.data(),
                                       signature.size());
    } catch (const std::exception&) {
        return false; // e.g. a signature that is not canonical DER
    }
}

} // namespace localca::ca
