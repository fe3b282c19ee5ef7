// The lint's rules on the TBS fields before the extensions: signature algorithm, serial,
// validity, public key.
#include "ca/tbs_lint_rules.hpp"

#include <botan/bigint.h>

#include <chrono>
#include <set>

namespace localca::ca::tbs_lint_detail {

namespace {

const char* k_rsa_encryption = "1.2.840.113549.1.1.1";
const char* k_ec_public_key = "1.2.840.10045.2.1";

// Seconds since the epoch of a UTCTime / GeneralizedTime in the only forms RFC 5280 allows
// (YYMMDDHHMMSSZ, YYYYMMDDHHMMSSZ; UTCTime up to 2049, GeneralizedTime from 2050).
std::optional<std::int64_t> decode_time(const element& o, const char* what, findings& out) {
    const std::string s = text(o);
    const bool utc = o.is_a(Botan::UTC_TIME, Botan::UNIVERSAL);
    const bool generalized = o.is_a(Botan::GENERALIZED_TIME, Botan::UNIVERSAL);
    const std::size_t len = utc ? 13 : 15;
    if ((!utc && !generalized) || s.size() != len || s.back() != 'Z' ||
        !std::all_of(s.begin(), s.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
        out.fail(std::string(what) + ": not a UTCTime YYMMDDHHMMSSZ or GeneralizedTime "
                                     "YYYYMMDDHHMMSSZ");
        return std::nullopt;
    }
    auto num = [&](std::size_t at, std::size_t n) { return std::stoi(s.substr(at, n)); };
    std::size_t p = 0;
    int year = 0;
    if (utc) {
        year = num(0, 2);
        year += year < 50 ? 2000 : 1900;
        p = 2;
    } else {
        year = num(0, 4);
        p = 4;
    }
    if (generalized && year < 2050) {
        out.fail(std::string(what) + ": GeneralizedTime before 2050 (RFC 5280 wants UTCTime)");
    }
    const std::chrono::year_month_day ymd{std::chrono::year(year),
                                          std::chrono::month(static_cast<unsigned>(num(p, 2))),
                                          std::chrono::day(static_cast<unsigned>(num(p + 2, 2)))};
    const int hh = num(p + 4, 2), mm = num(p + 6, 2), ss = num(p + 8, 2);
    if (!ymd.ok() || hh > 23 || mm > 59 || ss > 59) {
        out.fail(std::string(what) + ": not a valid date and time");
        return std::nullopt;
    }
    const auto t = std::chrono::sys_days(ymd) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
                   std::chrono::seconds(ss);
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

} // namespace

algorithm decode_algorithm(const element& seq) {
    auto d = contents(seq);
    Botan::OID oid;
    d.decode(oid);
    algorithm a;
    a.oid = oid.to_string();
    auto p = d.get_next_object();
    if (p.is_set()) {
        a.params = std::move(p);
    }
    d.verify_end();
    return a;
}

bool null_params(const algorithm& a) {
    return a.params && a.params->is_a(Botan::NULL_TAG, Botan::UNIVERSAL) && a.params->length() == 0;
}

void check_signature_algorithm(const algorithm& a, const Botan::X509_Certificate& issuer,
                               findings& out) {
    const std::string issuer_key = issuer.subject_public_key_algo().get_oid().to_string();
    static const std::set<std::string> rsa = {"1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12",
                                              "1.2.840.113549.1.1.13"};
    static const std::set<std::string> ecdsa = {"1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3",
                                                "1.2.840.10045.4.3.4"};
    if (issuer_key == k_rsa_encryption) {
        if (!rsa.count(a.oid)) {
            out.fail("signature: " + a.oid +
                     " is not sha256/384/512WithRSAEncryption, which the "
                     "issuer's RSA key makes");
        } else if (!null_params(a)) {
            out.fail("signature: RSA algorithm parameters must be NULL");
        }
    } else if (issuer_key == k_ec_public_key) {
        if (!ecdsa.count(a.oid)) {
            out.fail("signature: " + a.oid +
                     " is not ecdsa-with-SHA256/384/512, which the issuer's EC key makes");
        } else if (a.params) {
            out.fail("signature: ECDSA algorithm parameters must be absent");
        }
    } else {
        out.fail("signature: the issuer's key algorithm " + issuer_key + " is not RSA or EC");
    }
}

void check_serial(const element& o, findings& out) {
    if (!o.is_a(Botan::INTEGER, Botan::UNIVERSAL)) {
        throw Botan::Decoding_Error("serialNumber is not an INTEGER");
    }
    const bytes v(o.bits(), o.length());
    if (v.empty()) {
        out.fail("serialNumber: empty INTEGER");
        return;
    }
    if (v.size() > 1 && ((v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] == 0xff && (v[1] & 0x80)))) {
        out.fail("serialNumber: not minimally encoded");
    }
    if (v[0] & 0x80) {
        out.fail("serialNumber: negative");
    } else if (std::all_of(v.begin(), v.end(), [](std::uint8_t b) { return b == 0; })) {
        out.fail("serialNumber: zero");
    }
    if (v.size() > 20) {
        out.fail("serialNumber: " + std::to_string(v.size()) + " octets, at most 20");
    }
}

void check_validity(const element& seq, const Botan::X509_Certificate& issuer,
                    bool may_predate_issuer, findings& out) {
    auto d = contents(seq);
    const auto nb = decode_time(next(d, "notBefore"), "notBefore", out);
    const auto na = decode_time(next(d, "notAfter"), "notAfter", out);
    d.verify_end();
    if (!nb || !na) {
        return;
    }
    if (*nb >= *na) {
        out.fail("validity: notBefore is not before notAfter");
    }
    const auto issuer_nb = static_cast<std::int64_t>(issuer.not_before().time_since_epoch());
    const auto issuer_na = static_cast<std::int64_t>(issuer.not_after().time_since_epoch());
    if (*nb < issuer_nb && !may_predate_issuer) {
        out.fail("validity: notBefore is before the issuer's notBefore");
    }
    if (*na > issuer_na) {
        out.fail("validity: notAfter is after the issuer's notAfter");
    }
}

public_key_info check_public_key(const element& seq, findings& out) {
    auto d = contents(seq);
    const auto alg =
        decode_algorithm(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "SPKI algorithm"));
    const auto key = expect(d, Botan::BIT_STRING, Botan::UNIVERSAL, "subjectPublicKey");
    d.verify_end();
    public_key_info info;
    if (key.length() == 0 || key.bits()[0] != 0) {
        out.fail("subjectPublicKey: BIT STRING with unused bits");
    } else {
        info.key_bits.assign(key.bits() + 1, key.bits() + key.length());
    }
    if (alg.oid == k_rsa_encryption) {
        info.type = public_key_info::kind::rsa;
        if (!null_params(alg)) {
            out.fail("subjectPublicKeyInfo: rsaEncryption parameters must be NULL");
        }
    } else if (alg.oid == k_ec_public_key) {
        info.type = public_key_info::kind::ec;
        if (!alg.params || !alg.params->is_a(Botan::OBJECT_ID, Botan::UNIVERSAL)) {
            out.fail("subjectPublicKeyInfo: EC key without a named curve");
        }
    } else {
        out.fail("subjectPublicKeyInfo: key algorithm " + alg.oid + " is not RSA or EC");
    }
    return info;
}

} // namespace localca::ca::tbs_lint_detail
