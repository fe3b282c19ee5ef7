#include "ca/emca/cms.hpp"

#include "ca/der_reader.hpp"
#include "ca/fingerprint.hpp"

#include <botan/ber_dec.h>
#include <botan/der_enc.h>
#include <botan/pubkey.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace localca::ca::emca {

namespace {

using Botan::ASN1_Tag;
using Botan::BER_Object;

// Bounds. Botan's decoder itself refuses lengths it cannot read and nests indefinite lengths at
// most 16 deep; these bound what we accept on top.
constexpr std::size_t k_max_children = 64; // elements of one SEQUENCE / SET we look at
constexpr std::size_t k_max_signers = 8;
constexpr std::size_t k_max_attributes = 32;
constexpr std::size_t k_max_chunks = 4096; // segments of a constructed OCTET STRING
constexpr int k_max_depth = 8;             // constructed OCTET STRING / to_der nesting

const ASN1_Tag k_constructed = Botan::CONSTRUCTED;
const ASN1_Tag k_context_constructed = ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);

// Thrown inside the parser, turned into signed_data_malformed at the API boundary.
struct malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};

bool is(const BER_Object& o, ASN1_Tag type, ASN1_Tag cls) {
    return o.type() == type && o.get_class() == cls;
}
bool is_sequence(const BER_Object& o) {
    return is(o, Botan::SEQUENCE, k_constructed);
}
bool is_set(const BER_Object& o) {
    return is(o, Botan::SET, k_constructed);
}
bool is_context(const BER_Object& o, int n, bool constructed) {
    return o.type() == ASN1_Tag(n) &&
           o.get_class() == (constructed ? k_context_constructed : Botan::CONTEXT_SPECIFIC);
}

void require(bool ok, const char* what) {
    if (!ok) {
        throw malformed(what);
    }
}

// The elements of a constructed value (Botan skips the end-of-contents markers of indefinite
// lengths).
std::vector<BER_Object> children(const BER_Object& o, std::size_t max = k_max_children) {
    require((o.get_class() & Botan::CONSTRUCTED) != 0, "expected a constructed value");
    Botan::BER_Decoder d(o.bits(), o.length());
    std::vector<BER_Object> out;
    for (;;) {
        auto next = d.get_next_object();
        if (!next.is_set()) {
            return out;
        }
        require(out.size() < max, "too many elements");
        out.push_back(std::move(next));
    }
}

BER_Object single(std::span<const std::uint8_t> bytes) {
    // Botan's decoder tolerates indefinite lengths whose end-of-contents markers are missing at
    // the end of the data (it stops at the end of input). The core's strict walk of the raw TLVs
    // (ber rules) refuses that, and bounds lengths and depth before Botan sees the bytes.
    require(ber_tlv_size(bytes) == bytes.size(), "data after the ContentInfo");
    Botan::BER_Decoder d(bytes.data(), bytes.size());
    auto o = d.get_next_object();
    require(o.is_set(), "empty input");
    require(!d.more_items(), "data after the ContentInfo");
    return o;
}

Botan::OID oid_of(const BER_Object& o) {
    require(is(o, Botan::OBJECT_ID, Botan::UNIVERSAL), "expected an OBJECT IDENTIFIER");
    Botan::BER_Decoder d(std::vector<std::uint8_t>{});
    d.push_back(o);
    Botan::OID oid;
    oid.decode_from(d);
    return oid;
}

// AlgorithmIdentifier: the OID; parameters must be absent or NULL (true of every algorithm we
// accept).
Botan::OID algorithm_of(const BER_Object& o) {
    require(is_sequence(o), "expected an AlgorithmIdentifier");
    const auto parts = children(o, 2);
    require(!parts.empty(), "empty AlgorithmIdentifier");
    if (parts.size() == 2) {
        require(is(parts[1], Botan::NULL_TAG, Botan::UNIVERSAL) && parts[1].length() == 0,
                "unexpected algorithm parameters");
    }
    return oid_of(parts[0]);
}

std::int64_t small_integer(const BER_Object& o) {
    require(is(o, Botan::INTEGER, Botan::UNIVERSAL) && o.length() == 1 && o.bits()[0] < 0x80,
            "expected a small INTEGER");
    return o.bits()[0];
}

// An OCTET STRING, primitive or (BER) constructed from primitive or constructed segments.
void append_octets(const BER_Object& o, std::vector<std::uint8_t>& out, std::size_t& chunks,
                   int depth) {
    require(o.type() == Botan::OCTET_STRING &&
                (o.get_class() == Botan::UNIVERSAL || o.get_class() == k_constructed),
            "expected an OCTET STRING");
    require(++chunks <= k_max_chunks, "too many OCTET STRING segments");
    if (o.get_class() == Botan::UNIVERSAL) {
        out.insert(out.end(), o.bits(), o.bits() + o.length());
        return;
    }
    require(depth < k_max_depth, "OCTET STRING nested too deep");
    for (const auto& part : children(o, k_max_chunks)) {
        append_octets(part, out, chunks, depth + 1);
    }
}

std::vector<std::uint8_t> octets(const BER_Object& o) {
    std::vector<std::uint8_t> out;
    std::size_t chunks = 0;
    append_octets(o, out, chunks, 0);
    return out;
}

// The DER (definite lengths) of a value as it was encoded: DER input comes back byte for byte,
// BER input with its indefinite lengths made definite. Used for the signed attributes, whose
// signature covers their DER encoding.
std::vector<std::uint8_t> to_der(const BER_Object& o, int depth = 0) {
    require(depth < k_max_depth, "value nested too deep");
    std::vector<std::uint8_t> der;
    Botan::DER_Encoder enc(der); // writes each object into der as it is added
    if ((o.get_class() & Botan::CONSTRUCTED) != 0) {
        std::vector<std::uint8_t> body;
        for (const auto& c : children(o)) {
            const auto d = to_der(c, depth + 1);
            body.insert(body.end(), d.begin(), d.end());
        }
        enc.add_object(o.type(), o.get_class(), body.data(), body.size());
    } else {
        enc.add_object(o.type(), o.get_class(), o.bits(), o.length());
    }
    return der;
}

const Botan::OID& oid_signed_data() {
    static const Botan::OID o("1.2.840.113549.1.7.2");
    return o;
}
const Botan::OID& oid_data() {
    static const Botan::OID o("1.2.840.113549.1.7.1");
    return o;
}
const Botan::OID& oid_sha256() {
    static const Botan::OID o("2.16.840.1.101.3.4.2.1");
    return o;
}
const Botan::OID& oid_content_type() {
    static const Botan::OID o("1.2.840.113549.1.9.3");
    return o;
}
const Botan::OID& oid_message_digest() {
    static const Botan::OID o("1.2.840.113549.1.9.4");
    return o;
}

// signedAttrs [0] IMPLICIT SET OF Attribute. Keeps the DER as signed (tag SET, 0x31) and the
// messageDigest; contentType, when present, must be id-data.
void read_signed_attributes(const BER_Object& o, cms_signer_info& si) {
    auto der = to_der(o);
    // [0] constructed (0xA0) and SET (0x31) are both one-byte tags.
    der[0] = 0x31;
    si.signed_attributes = std::move(der);
    bool digest_seen = false;
    for (const auto& attr : children(o, k_max_attributes)) {
        require(is_sequence(attr), "expected an Attribute");
        const auto parts = children(attr, 2);
        require(parts.size() == 2 && is_set(parts[1]), "malformed Attribute");
        const auto type = oid_of(parts[0]);
        if (type == oid_message_digest()) {
            const auto values = children(parts[1], 1);
            require(values.size() == 1 && !digest_seen, "messageDigest must have one value");
            require(is(values[0], Botan::OCTET_STRING, Botan::UNIVERSAL),
                    "messageDigest is not an OCTET STRING");
            si.message_digest.assign(values[0].bits(), values[0].bits() + values[0].length());
            digest_seen = true;
        } else if (type == oid_content_type()) {
            const auto values = children(parts[1], 1);
            require(values.size() == 1 && oid_of(values[0]) == oid_data(),
                    "contentType attribute is not id-data");
        }
    }
    require(digest_seen, "signed attributes without messageDigest");
}

cms_signer_info read_signer(const BER_Object& o) {
    require(is_sequence(o), "expected a SignerInfo");
    const auto parts = children(o, 7);
    require(parts.size() >= 5, "SignerInfo too short");
    std::size_t i = 0;
    const auto version = small_integer(parts[i++]);
    require(version == 1 || version == 3, "unsupported SignerInfo version");
    // sid: IssuerAndSerialNumber (SEQUENCE) or [0] SubjectKeyIdentifier. Not used to pick the
    // key (the caller names the registered signer) but it must be one of the two.
    require(is_sequence(parts[i]) || is_context(parts[i], 0, false), "unsupported signer id");
    ++i;
    require(algorithm_of(parts[i++]) == oid_sha256(), "digest algorithm is not SHA-256");
    cms_signer_info si;
    if (i < parts.size() && is_context(parts[i], 0, true)) {
        read_signed_attributes(parts[i++], si);
    }
    require(i + 2 <= parts.size(), "SignerInfo too short");
    si.signature_algorithm = algorithm_of(parts[i++]);
    require(is(parts[i], Botan::OCTET_STRING, Botan::UNIVERSAL) ||
                is(parts[i], Botan::OCTET_STRING, k_constructed),
            "expected the signature");
    si.signature = octets(parts[i++]);
    // Unsigned attributes [1] are allowed and ignored; nothing else may follow.
    if (i < parts.size()) {
        require(is_context(parts[i], 1, true) && i + 1 == parts.size(),
                "unexpected data after the signature");
    }
    return si;
}

cms_signed_data parse(std::span<const std::uint8_t> ber) {
    require(ber.size() <= k_cms_max_bytes, "message too large");
    const auto info = single(ber);
    require(is_sequence(info), "not a ContentInfo");
    const auto ci = children(info, 2);
    require(ci.size() == 2 && oid_of(ci[0]) == oid_signed_data(), "not a SignedData");
    require(is_context(ci[1], 0, true), "expected [0] content");
    const auto explicit_content = children(ci[1], 1);
    require(explicit_content.size() == 1 && is_sequence(explicit_content[0]),
            "expected the SignedData SEQUENCE");
    const auto sd = children(explicit_content[0], 6);
    require(sd.size() >= 4, "SignedData too short");
    std::size_t i = 0;
    const auto version = small_integer(sd[i++]);
    require(version >= 1 && version <= 5, "unsupported SignedData version");
    require(is_set(sd[i]), "expected digestAlgorithms");
    bool has_sha256 = false;
    for (const auto& alg : children(sd[i++], 8)) {
        has_sha256 = has_sha256 || algorithm_of(alg) == oid_sha256();
    }
    require(has_sha256, "SHA-256 is not among the digest algorithms");

    require(is_sequence(sd[i]), "expected encapContentInfo");
    const auto encap = children(sd[i++], 2);
    require(!encap.empty() && oid_of(encap[0]) == oid_data(), "content type is not id-data");
    require(encap.size() == 2, "content is not attached");
    require(is_context(encap[1], 0, true), "expected [0] eContent");
    const auto econtent = children(encap[1], 1);
    require(econtent.size() == 1, "empty eContent");
    cms_signed_data out;
    out.content = octets(econtent[0]);

    // certificates [0] and crls [1]: skipped (the signer is verified against the registered one).
    if (i < sd.size() && is_context(sd[i], 0, true)) {
        ++i;
    }
    if (i < sd.size() && is_context(sd[i], 1, true)) {
        ++i;
    }
    require(i + 1 == sd.size() && is_set(sd[i]), "expected signerInfos last");
    for (const auto& s : children(sd[i], k_max_signers)) {
        out.signers.push_back(read_signer(s));
    }
    require(!out.signers.empty(), "no SignerInfo");
    return out;
}

// The Botan padding/format for a signer's signature algorithm with this key, or "" if we do not
// accept the combination.
std::string emsa_for(const Botan::OID& alg, const Botan::Public_Key& key) {
    static const Botan::OID rsa("1.2.840.113549.1.1.1");
    static const Botan::OID sha256_rsa("1.2.840.113549.1.1.11");
    static const Botan::OID ecdsa_sha256("1.2.840.10045.4.3.2");
    static const Botan::OID ec_public_key("1.2.840.10045.2.1");
    if (key.algo_name() == "RSA" && (alg == rsa || alg == sha256_rsa)) {
        return "EMSA3(SHA-256)";
    }
    if (key.algo_name() == "ECDSA" && (alg == ecdsa_sha256 || alg == ec_public_key)) {
        return "EMSA1(SHA-256)";
    }
    return "";
}

bool verify_signer(const cms_signer_info& si, const std::vector<std::uint8_t>& content,
                   const Botan::Public_Key& key) {
    const auto emsa = emsa_for(si.signature_algorithm, key);
    if (emsa.empty()) {
        return false;
    }
    const std::vector<std::uint8_t>* signed_bytes = &content;
    if (!si.signed_attributes.empty()) {
        if (sha256(content) != si.message_digest) {
            return false;
        }
        signed_bytes = &si.signed_attributes;
    }
    const auto format = key.algo_name() == "ECDSA" ? Botan::DER_SEQUENCE : Botan::IEEE_1363;
    Botan::PK_Verifier verifier(key, emsa, format);
    return verifier.verify_message(*signed_bytes, si.signature);
}

} // namespace

result<cms_signed_data> parse_signed_data(std::span<const std::uint8_t> ber) {
    try {
        return parse(ber);
    } catch (const std::exception& e) {
        // Botan's decoding errors and ours alike: the input is not what we accept.
        return make_error(errc::signed_data_malformed, "malformed signed data", e.what());
    }
}

result<std::vector<std::uint8_t>> verify_signed_data(std::span<const std::uint8_t> ber,
                                                     const Botan::Public_Key& signer_key) {
    auto sd = parse_signed_data(ber);
    if (!sd) {
        return sd.err();
    }
    for (const auto& si : sd->signers) {
        try {
            if (verify_signer(si, sd->content, signer_key)) {
                return std::move(sd->content);
            }
        } catch (const std::exception&) {
            // A signature Botan cannot even decode does not verify.
        }
    }
    return make_error(errc::signature_invalid, "signature verification failed",
                      "no signer verifies with the registered signer certificate");
}

} // namespace localca::ca::emca
