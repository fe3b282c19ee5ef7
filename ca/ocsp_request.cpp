#include "ca/ocsp_request.hpp"

#include <botan/asn1_obj.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>

#include <stdexcept>

namespace localca::ca {

namespace {

const Botan::ASN1_Tag k_context_constructed =
    Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);

// id-pkix-ocsp-nonce (RFC 6960 4.4.1)
const char* const k_nonce_oid = "1.3.6.1.5.5.7.48.1.2";

// A refusal found while parsing: which OCSP answer it becomes, and why (for the log).
struct refused : std::runtime_error {
    refused(ocsp_request_error e, const std::string& why) : std::runtime_error(why), error(e) {}
    ocsp_request_error error;
};

[[noreturn]] void malformed(const std::string& why) {
    throw refused(ocsp_request_error::malformed, why);
}

std::vector<std::uint8_t> bytes_of(const Botan::BER_Object& o) {
    return {o.bits(), o.bits() + o.length()};
}

std::string hash_name(const Botan::OID& oid) {
    const auto s = oid.to_string();
    if (s == "1.3.14.3.2.26") {
        return "SHA-1";
    }
    if (s == "2.16.840.1.101.3.4.2.1") {
        return "SHA-256";
    }
    if (s == "2.16.840.1.101.3.4.2.2") {
        return "SHA-384";
    }
    if (s == "2.16.840.1.101.3.4.2.3") {
        return "SHA-512";
    }
    return "";
}

// INTEGER contents -> a serial we could have issued, or none. Non-minimal encodings are not DER.
std::optional<std::int64_t> serial_of(const std::vector<std::uint8_t>& v) {
    if (v.empty()) {
        malformed("empty serialNumber");
    }
    if (v.size() > 1 && ((v[0] == 0x00 && v[1] < 0x80) || (v[0] == 0xff && v[1] >= 0x80))) {
        malformed("serialNumber is not minimally encoded");
    }
    if (v[0] & 0x80) {
        return std::nullopt; // negative
    }
    std::size_t i = v[0] == 0 ? 1 : 0;
    if (v.size() - i > 8) {
        return std::nullopt;
    }
    std::uint64_t x = 0;
    for (; i < v.size(); ++i) {
        x = (x << 8) | v[i];
    }
    if (x == 0 || x > static_cast<std::uint64_t>(INT64_MAX)) {
        return std::nullopt;
    }
    return static_cast<std::int64_t>(x);
}

ocsp_cert_id parse_cert_id(const Botan::BER_Object& obj) {
    if (!obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
        malformed("reqCert is not a SEQUENCE");
    }
    ocsp_cert_id id;
    Botan::BER_Decoder d(obj);
    Botan::AlgorithmIdentifier alg;
    d.decode(alg);
    const auto& params = alg.get_parameters();
    if (!params.empty() && params != std::vector<std::uint8_t>{0x05, 0x00}) {
        malformed("hashAlgorithm parameters are neither absent nor NULL");
    }
    id.hash = hash_name(alg.get_oid());
    d.decode(id.issuer_name_hash, Botan::OCTET_STRING);
    d.decode(id.issuer_key_hash, Botan::OCTET_STRING);
    const auto serial = d.get_next_object();
    if (!serial.is_a(Botan::INTEGER, Botan::UNIVERSAL)) {
        malformed("serialNumber is not an INTEGER");
    }
    d.verify_end();
    const auto size = ocsp_hash_size(id.hash);
    if (size != 0 && (id.issuer_name_hash.size() != size || id.issuer_key_hash.size() != size)) {
        malformed("issuer hashes do not have the size of " + id.hash);
    }
    const auto serial_bytes = bytes_of(serial);
    id.serial = serial_of(serial_bytes);

    // Re-encoded: a CertID that was BER but not DER differs and is refused, so what we echo is
    // DER and what we matched is what the client meant.
    Botan::DER_Encoder(id.der)
        .start_cons(Botan::SEQUENCE)
        .encode(alg)
        .encode(id.issuer_name_hash, Botan::OCTET_STRING)
        .encode(id.issuer_key_hash, Botan::OCTET_STRING)
        .add_object(Botan::INTEGER, Botan::UNIVERSAL, serial_bytes)
        .end_cons();
    std::vector<std::uint8_t> received;
    Botan::DER_Encoder(received).add_object(Botan::SEQUENCE, Botan::CONSTRUCTED, obj.bits(),
                                            obj.length());
    if (received != id.der) {
        malformed("CertID is not DER");
    }
    return id;
}

// Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension, inside an [n] EXPLICIT tag. Calls
// on_extension(oid, critical, extnValue) for each.
template <class F> void parse_extensions(const Botan::BER_Object& tagged, F on_extension) {
    Botan::BER_Decoder outer(tagged);
    const auto list = outer.get_next_object();
    outer.verify_end();
    if (!list.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
        malformed("Extensions is not a SEQUENCE");
    }
    Botan::BER_Decoder exts(list);
    if (!exts.more_items()) {
        malformed("empty Extensions");
    }
    while (exts.more_items()) {
        Botan::OID oid;
        bool critical = false;
        std::vector<std::uint8_t> value;
        exts.start_cons(Botan::SEQUENCE)
            .decode(oid)
            .decode_optional(critical, Botan::BOOLEAN, Botan::UNIVERSAL, false)
            .decode(value, Botan::OCTET_STRING)
            .end_cons();
        on_extension(oid, critical, value);
    }
}

std::vector<std::uint8_t> checked_nonce(const std::vector<std::uint8_t>& extn_value) {
    std::vector<std::uint8_t> nonce;
    try {
        Botan::BER_Decoder(extn_value).decode(nonce, Botan::OCTET_STRING).verify_end();
    } catch (const std::exception&) {
        throw refused(ocsp_request_error::nonce_size, "the nonce is not an OCTET STRING");
    }
    if (nonce.empty() || nonce.size() > 32) {
        throw refused(ocsp_request_error::nonce_size,
                      "nonce of " + std::to_string(nonce.size()) + " octets (RFC 8954: 1..32)");
    }
    return extn_value;
}

} // namespace

std::size_t ocsp_hash_size(const std::string& hash) {
    if (hash == "SHA-1") {
        return 20;
    }
    if (hash == "SHA-256") {
        return 32;
    }
    if (hash == "SHA-384") {
        return 48;
    }
    if (hash == "SHA-512") {
        return 64;
    }
    return 0;
}

ocsp_parse_result parse_ocsp_request(const std::uint8_t* data, std::size_t size,
                                     std::size_t max_requests) {
    ocsp_parse_result out;
    try {
        ocsp_request req;
        Botan::BER_Decoder top(data, size);
        const auto ocsp_obj = top.get_next_object();
        top.verify_end();
        if (!ocsp_obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
            malformed("OCSPRequest is not a SEQUENCE");
        }
        Botan::BER_Decoder ocsp(ocsp_obj);
        const auto tbs_obj = ocsp.get_next_object();
        if (!tbs_obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
            malformed("tbsRequest is not a SEQUENCE");
        }
        if (ocsp.more_items()) {
            const auto sig = ocsp.get_next_object();
            if (!sig.is_a(0, k_context_constructed)) {
                malformed("unexpected element after tbsRequest");
            }
        }
        ocsp.verify_end();

        Botan::BER_Decoder tbs(tbs_obj);
        auto o = tbs.get_next_object();
        if (o.is_a(0, k_context_constructed)) {
            std::size_t version = 0;
            Botan::BER_Decoder(o).decode(version).verify_end();
            if (version != 0) {
                malformed("version is not v1");
            }
            o = tbs.get_next_object();
        }
        if (o.is_a(1, k_context_constructed)) { // requestorName: not used
            o = tbs.get_next_object();
        }
        if (!o.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
            malformed("requestList is not a SEQUENCE");
        }
        Botan::BER_Decoder list(o);
        while (list.more_items()) {
            const auto request = list.get_next_object();
            if (!request.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
                malformed("Request is not a SEQUENCE");
            }
            if (req.cert_ids.size() == max_requests) {
                throw refused(ocsp_request_error::too_many,
                              "more than " + std::to_string(max_requests) + " single requests");
            }
            Botan::BER_Decoder r(request);
            req.cert_ids.push_back(parse_cert_id(r.get_next_object()));
            if (r.more_items()) {
                const auto ext = r.get_next_object();
                if (!ext.is_a(0, k_context_constructed)) {
                    malformed("unexpected element in Request");
                }
                parse_extensions(ext, [](const Botan::OID&, bool critical, const auto&) {
                    if (critical) {
                        malformed("unsupported critical singleRequestExtension");
                    }
                });
            }
            r.verify_end();
        }
        if (req.cert_ids.empty()) {
            malformed("empty requestList");
        }
        if (tbs.more_items()) {
            const auto ext = tbs.get_next_object();
            if (!ext.is_a(2, k_context_constructed)) {
                malformed("unexpected element in TBSRequest");
            }
            parse_extensions(ext, [&req](const Botan::OID& oid, bool critical, const auto& value) {
                if (oid.to_string() == k_nonce_oid) {
                    if (req.nonce) {
                        malformed("two nonce extensions");
                    }
                    req.nonce = checked_nonce(value);
                } else if (critical) {
                    malformed("unsupported critical requestExtension " + oid.to_string());
                }
            });
        }
        tbs.verify_end();
        out.request = std::move(req);
    } catch (const refused& r) {
        out.error = r.error;
        out.detail = r.what();
    } catch (const std::exception& e) {
        out.error = ocsp_request_error::malformed;
        out.detail = e.what();
    }
    return out;
}

} // namespace localca::ca
