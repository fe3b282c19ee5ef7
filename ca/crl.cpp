#include "ca/crl.hpp"

#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/x509_ext.h>
#include <botan/x509_obj.h>

#include <cstdio>
#include <cstring>
#include <ctime>
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

// One revokedCertificates entry, encoded by hand: Botan's encoder (a BigInt, an X509_Time and an
// Extensions object per entry) made a 100,000-entry CRL cost ~0.5 s of a core, most of it
// allocations. Every entry is shorter than 128 octets, so every length is one octet.
void append_crl_entry(std::vector<std::uint8_t>& out, const crl_entry& e) {
    std::uint8_t buf[64];
    std::size_t n = 0;
    // userCertificate: INTEGER, minimal two's complement of a positive serial.
    std::uint8_t serial[9];
    std::size_t len = 0;
    for (auto v = static_cast<std::uint64_t>(e.serial); v != 0; v >>= 8) {
        serial[8 - len++] = static_cast<std::uint8_t>(v & 0xff);
    }
    if (serial[9 - len] & 0x80) {
        serial[8 - len++] = 0x00;
    }
    buf[n++] = 0x02;
    buf[n++] = static_cast<std::uint8_t>(len);
    std::memcpy(buf + n, serial + 9 - len, len);
    n += len;
    // revocationDate: UTCTime through 2049, GeneralizedTime after (RFC 5280 5.1.2.4).
    const std::time_t secs = std::chrono::system_clock::to_time_t(
        std::chrono::floor<std::chrono::seconds>(e.revoked_at));
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    const int year = tm.tm_year + 1900;
    char when[20];
    const bool utc = year >= 1950 && year < 2050;
    const int w = utc ? std::snprintf(when, sizeof when, "%02d%02d%02d%02d%02d%02dZ", year % 100,
                                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec)
                      : std::snprintf(when, sizeof when, "%04d%02d%02d%02d%02d%02dZ", year,
                                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    buf[n++] = utc ? 0x17 : 0x18;
    buf[n++] = static_cast<std::uint8_t>(w);
    std::memcpy(buf + n, when, static_cast<std::size_t>(w));
    n += static_cast<std::size_t>(w);
    // crlEntryExtensions: SEQUENCE { SEQUENCE { OID 2.5.29.21, OCTET STRING { ENUMERATED } } },
    // only when the reason is not unspecified (RFC 5280 5.3.1).
    if (e.reason != 0) {
        const std::uint8_t ext[] = {
            0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55,
            0x1d, 0x15, 0x04, 0x03, 0x0a, 0x01, static_cast<std::uint8_t>(e.reason)};
        std::memcpy(buf + n, ext, sizeof ext);
        n += sizeof ext;
    }
    out.push_back(0x30);
    out.push_back(static_cast<std::uint8_t>(n));
    out.insert(out.end(), buf, buf + n);
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
        std::vector<std::uint8_t> list;
        list.reserve(entries.size() * 40);
        for (const auto& e : entries) {
            if (e.serial <= 0) {
                throw std::invalid_argument("revoked serial must be positive");
            }
            if (!known_reason(e.reason)) {
                throw std::invalid_argument("unknown CRL reason " + std::to_string(e.reason));
            }
            append_crl_entry(list, e);
        }
        Botan::DER_Encoder(revoked).add_object(Botan::SEQUENCE, Botan::CONSTRUCTED, list);
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
