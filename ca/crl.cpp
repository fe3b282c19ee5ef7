#include "ca/crl.hpp"

#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/x509_ext.h>
#include <botan/x509_obj.h>

#include <stdexcept>

namespace localca::ca {

namespace {

bool known_reason(int reason) {
    // RFC 5280 CRLReason: 0..10 without 7 (unused).
    return reason >= 0 && reason <= 10 && reason != 7;
}

Botan::X509_Time seconds_time(std::chrono::system_clock::time_point t) {
    return Botan::X509_Time(std::chrono::floor<std::chrono::seconds>(t));
}

} // namespace

std::vector<std::uint8_t> build_crl(const authority& ca, const std::vector<crl_entry>& entries,
                                    std::int64_t crl_number,
                                    std::chrono::system_clock::time_point this_update,
                                    std::chrono::seconds next_update) {
    if (crl_number <= 0) {
        throw std::invalid_argument("CRL number must be positive");
    }
    if (next_update.count() <= 0) {
        throw std::invalid_argument("CRL next update must be in the future");
    }

    // revokedCertificates: SEQUENCE OF SEQUENCE { userCertificate, revocationDate,
    // crlEntryExtensions (reasonCode, only when not unspecified: RFC 5280 5.3.1) }.
    std::vector<std::uint8_t> revoked;
    if (!entries.empty()) {
        Botan::DER_Encoder list(revoked);
        list.start_cons(Botan::SEQUENCE);
        for (const auto& e : entries) {
            if (e.serial <= 0) {
                throw std::invalid_argument("revoked serial must be positive");
            }
            if (!known_reason(e.reason)) {
                throw std::invalid_argument("unknown CRL reason " + std::to_string(e.reason));
            }
            list.start_cons(Botan::SEQUENCE)
                .encode(Botan::BigInt(static_cast<std::uint64_t>(e.serial)))
                .encode(seconds_time(e.revoked_at));
            if (e.reason != 0) {
                Botan::Extensions entry_extensions;
                entry_extensions.add(new Botan::Cert_Extension::CRL_ReasonCode(
                    static_cast<Botan::CRL_Code>(e.reason)));
                list.start_cons(Botan::SEQUENCE).encode(entry_extensions).end_cons();
            }
            list.end_cons();
        }
        list.end_cons();
    }

    Botan::Extensions extensions;
    extensions.add(new Botan::Cert_Extension::Authority_Key_ID(ca.cert().subject_key_id()));
    extensions.add(new Botan::Cert_Extension::CRL_Number(static_cast<std::size_t>(crl_number)));

    const std::size_t crl_v2 = 1;
    Botan::DER_Encoder tbs;
    tbs.start_cons(Botan::SEQUENCE)
        .encode(crl_v2)
        .encode(ca.signature_algorithm())
        .encode(ca.cert().subject_dn())
        .encode(seconds_time(this_update))
        .encode(seconds_time(this_update + next_update))
        .raw_bytes(revoked)
        .start_explicit(0)
        .start_cons(Botan::SEQUENCE)
        .encode(extensions)
        .end_cons()
        .end_explicit()
        .end_cons();
    return Botan::X509_Object::make_signed(&ca.signer(), signing_rng(), ca.signature_algorithm(),
                                           tbs.get_contents());
}

} // namespace localca::ca
