#pragma once
// The rule families of the pre-signature lint (tbs_lint.hpp), one file each: names
// (tbs_lint_names.cpp), general names (tbs_lint_general_names.cpp), the TBS fields
// (tbs_lint_fields.cpp) and the extensions (tbs_lint_extensions.cpp); tbs_lint.cpp walks a
// TBSCertificate through them. Not for use outside the lint.
#include "ca/profile.hpp"

#include "ca/der_oid.hpp"
#include "ca/der_reader.hpp"

#include <botan/asn1_obj.h>
#include <botan/exceptn.h>
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

// One element of the TBSCertificate: a view into the bytes being linted, read with the core's
// strict DER reader (ca/der_reader). Why not Botan's BER_Decoder: the lint runs before every
// signature, and BER_Decoder copies every element, and every nested decoder's input, into a
// secure_vector (mlock pool or calloc, zeroed on free); that cost ~20 µs per certificate, 2-3 %
// of an issuance (docs/performance.md). The interface is the subset of BER_Object the rules use.
class element {
public:
    element() = default;
    explicit element(const der_element& e) : m_tag(e.tag), m_value(e.value), m_set(true) {}

    bool is_set() const { return m_set; }
    // The tag number (low tag numbers only: der_reader refuses the others) and the class bits
    // (with the constructed bit), as Botan's type_tag and class_tag.
    Botan::ASN1_Tag type() const { return static_cast<Botan::ASN1_Tag>(m_tag & 0x1F); }
    Botan::ASN1_Tag get_class() const { return static_cast<Botan::ASN1_Tag>(m_tag & 0xE0); }
    Botan::ASN1_Tag tagging() const { return static_cast<Botan::ASN1_Tag>(m_tag); }
    // type_tag: a universal tag (Botan::SEQUENCE...) or a context tag number (0, 1, 3...).
    bool is_a(int type_tag, Botan::ASN1_Tag class_tag) const {
        return m_set && static_cast<int>(type()) == type_tag && get_class() == class_tag;
    }
    const std::uint8_t* bits() const { return m_value.data(); }
    std::size_t length() const { return m_value.size(); }

private:
    std::uint8_t m_tag = 0;
    bytes m_value;
    bool m_set = false;
};

// The elements of one level, in order (the subset of BER_Decoder the rules use).
class decoder {
public:
    decoder(const std::uint8_t* data, std::size_t size) : m_reader(bytes(data, size)) {}
    explicit decoder(bytes data) : m_reader(data) {}

    // The next element, or an unset one at the end.
    element get_next_object() {
        return m_reader.at_end() ? element() : element(m_reader.next("element"));
    }
    bool more_items() const { return !m_reader.at_end(); }
    decoder& verify_end() {
        m_reader.expect_end("element");
        return *this;
    }
    decoder& decode(Botan::OID& oid) {
        oid = decode_oid(m_reader.expect(0x06, "OBJECT IDENTIFIER"));
        return *this;
    }
    // A small non-negative INTEGER (the version).
    decoder& decode(std::size_t& n);

private:
    der_reader m_reader;
};

inline decoder& decoder::decode(std::size_t& n) {
    const auto e = m_reader.expect(0x02, "INTEGER");
    if (e.value.empty() || e.value.size() > 4 || (e.value[0] & 0x80) != 0) {
        throw Botan::Decoding_Error("INTEGER out of range");
    }
    n = 0;
    for (const auto b : e.value) {
        n = (n << 8) | b;
    }
    return *this;
}

inline element next(decoder& d, const char* what) {
    auto o = d.get_next_object();
    if (!o.is_set()) {
        throw Botan::Decoding_Error(std::string(what) + " is missing");
    }
    return o;
}

inline element expect(decoder& d, Botan::ASN1_Tag type, Botan::ASN1_Tag cls, const char* what) {
    auto o = next(d, what);
    if (!o.is_a(type, cls)) {
        throw Botan::Decoding_Error(std::string(what) + " has an unexpected tag");
    }
    return o;
}

inline decoder contents(const element& o) {
    return decoder(o.bits(), o.length());
}

inline std::string text(const element& o) {
    return std::string(reinterpret_cast<const char*>(o.bits()), o.length());
}

// --- Names (tbs_lint_names.cpp) -------------------------------------------------------------

// The RDNs of a Name (its SEQUENCE's contents); `which` names it in the findings.
void walk_name(bytes name_contents, const char* which, findings& out);

// --- General names (tbs_lint_general_names.cpp) ---------------------------------------------

// One GeneralName of the kinds our profiles write: rfc822Name [1], dNSName [2], URI [6],
// iPAddress [7]. `only_uri` for access locations and distribution points.
void check_general_name(const element& o, const std::string& where, bool only_uri, findings& out);
// GeneralNames contents: at least one entry, each checked.
void check_general_names(decoder names, const std::string& where, bool only_uri, findings& out);

// --- TBS fields (tbs_lint_fields.cpp) -------------------------------------------------------

struct algorithm {
    std::string oid;
    std::optional<element> params; // absent when none
};

algorithm decode_algorithm(const element& seq);
bool null_params(const algorithm& a);
void check_signature_algorithm(const algorithm& a, const Botan::X509_Certificate& issuer,
                               findings& out);
void check_serial(const element& o, findings& out);
void check_validity(const element& seq, const Botan::X509_Certificate& issuer,
                    bool may_predate_issuer, findings& out);

struct public_key_info {
    enum class kind { rsa, ec, other } type = kind::other;
    std::vector<std::uint8_t> key_bits; // subjectPublicKey contents, for the SKI
};

public_key_info check_public_key(const element& seq, findings& out);

// --- Extensions (tbs_lint_extensions.cpp) ---------------------------------------------------

struct extension {
    bool critical = false;
    element value; // the OCTET STRING; its contents are the extension's DER
};

using extension_map = std::map<std::string, extension>;

extension_map decode_extensions(const element& explicit3, findings& out);
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
