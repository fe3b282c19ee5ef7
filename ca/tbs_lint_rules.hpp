#pragma once
// The rule families of the pre-signature lint (tbs_lint.hpp), one file each: names
// (tbs_lint_names.cpp), general names (tbs_lint_general_names.cpp), the TBS fields
// (tbs_lint_fields.cpp) and the extensions (tbs_lint_extensions.cpp); tbs_lint.cpp walks a
// TBSCertificate through them. Not for use outside the lint.
#include "ca/profile.hpp"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/x509cert.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace localca::ca::tbs_lint_detail {

using bytes = std::span<const std::uint8_t>;

// The findings of one lint run; rules append and carry on, so that one run names every problem.
class findings {
public:
    void fail(std::string what) { m_list.push_back(std::move(what)); }
    std::vector<std::string> take() { return std::move(m_list); }

private:
    std::vector<std::string> m_list;
};

inline const auto k_constructed_context =
    Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);

inline Botan::BER_Object next(Botan::BER_Decoder& d, const char* what) {
    auto o = d.get_next_object();
    if (!o.is_set()) {
        throw Botan::Decoding_Error(std::string(what) + " is missing");
    }
    return o;
}

inline Botan::BER_Object expect(Botan::BER_Decoder& d, Botan::ASN1_Tag type, Botan::ASN1_Tag cls,
                                const char* what) {
    auto o = next(d, what);
    if (!o.is_a(type, cls)) {
        throw Botan::Decoding_Error(std::string(what) + " has an unexpected tag");
    }
    return o;
}

inline Botan::BER_Decoder contents(const Botan::BER_Object& o) {
    return Botan::BER_Decoder(o.bits(), o.length());
}

inline std::string text(const Botan::BER_Object& o) {
    return std::string(reinterpret_cast<const char*>(o.bits()), o.length());
}

// --- Names (tbs_lint_names.cpp) -------------------------------------------------------------

// The RDNs of a Name (its SEQUENCE's contents); `which` names it in the findings.
void walk_name(bytes name_contents, const char* which, findings& out);

// --- General names (tbs_lint_general_names.cpp) ---------------------------------------------

// One GeneralName of the kinds our profiles write: rfc822Name [1], dNSName [2], URI [6],
// iPAddress [7]. `only_uri` for access locations and distribution points.
void check_general_name(const Botan::BER_Object& o, const std::string& where, bool only_uri,
                        findings& out);
// GeneralNames contents: at least one entry, each checked.
void check_general_names(Botan::BER_Decoder names, const std::string& where, bool only_uri,
                         findings& out);

// --- TBS fields (tbs_lint_fields.cpp) -------------------------------------------------------

struct algorithm {
    std::string oid;
    std::optional<Botan::BER_Object> params; // absent when none
};

algorithm decode_algorithm(const Botan::BER_Object& seq);
bool null_params(const algorithm& a);
void check_signature_algorithm(const algorithm& a, const Botan::X509_Certificate& issuer,
                               findings& out);
void check_serial(const Botan::BER_Object& o, findings& out);
void check_validity(const Botan::BER_Object& seq, const Botan::X509_Certificate& issuer,
                    findings& out);

struct public_key_info {
    enum class kind { rsa, ec, other } type = kind::other;
    std::vector<std::uint8_t> key_bits; // subjectPublicKey contents, for the SKI
};

public_key_info check_public_key(const Botan::BER_Object& seq, findings& out);

// --- Extensions (tbs_lint_extensions.cpp) ---------------------------------------------------

struct extension {
    bool critical = false;
    Botan::BER_Object value; // the OCTET STRING; its contents are the extension's DER
};

using extension_map = std::map<std::string, extension>;

extension_map decode_extensions(const Botan::BER_Object& explicit3, findings& out);
void check_basic_constraints(const extension_map& exts, const certificate_profile& profile,
                             findings& out);
void check_key_usage(const extension_map& exts, const certificate_profile& profile,
                     public_key_info::kind key, findings& out);
void check_extended_key_usage(const extension_map& exts, const certificate_profile& profile,
                              findings& out);
void check_key_identifiers(const extension_map& exts, const public_key_info& key,
                           const Botan::X509_Certificate& issuer, findings& out);
void check_subject_alt_name(const extension_map& exts, bool subject_empty,
                            const certificate_profile& profile, findings& out);
void check_crl_distribution_points(const extension_map& exts, findings& out);
void check_authority_info_access(const extension_map& exts, findings& out);
void check_ocsp_no_check(const extension_map& exts, findings& out);

} // namespace localca::ca::tbs_lint_detail
