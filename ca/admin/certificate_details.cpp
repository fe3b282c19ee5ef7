#include "ca/admin/certificate_details.hpp"

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/oids.h>
#include <botan/pem.h>
#include <botan/pk_keys.h>
#include <botan/pkix_types.h>
#include <botan/x509_ext.h>
#include <botan/x509cert.h>

namespace localca::ca::admin {

namespace {

std::string digest_hex(const char* algo, const std::vector<std::uint8_t>& der) {
    const auto h = Botan::HashFunction::create_or_throw(algo)->process(der);
    return Botan::hex_encode(h.data(), h.size(), false);
}

} // namespace

certificate_details describe(const std::vector<std::uint8_t>& der) {
    const Botan::X509_Certificate cert(der);
    certificate_details d;
    d.subject = cert.subject_dn().to_string();
    d.issuer = cert.issuer_dn().to_string();
    const auto& alt = cert.subject_alt_name();
    for (const auto& [type, value] : alt.contents()) {
        d.sans.push_back((type == "RFC822" ? std::string("email") : type) + ":" + value);
    }
    const auto key = cert.load_subject_public_key();
    d.key_type = key->algo_name();
    d.key_bits = key->key_length();
    for (const auto& oid : cert.v3_extensions().get_extension_oids()) {
        extension_info e;
        e.oid = oid.to_string();
        e.name = oid.to_formatted_string() == e.oid ? "" : oid.to_formatted_string();
        e.critical = cert.v3_extensions().critical_extension_set(oid);
        d.extensions.push_back(std::move(e));
    }
    d.sha1 = digest_hex("SHA-1", der);
    d.sha256 = digest_hex("SHA-256", der);
    d.pem = Botan::PEM_Code::encode(der, "CERTIFICATE");
    return d;
}

} // namespace localca::ca::admin
