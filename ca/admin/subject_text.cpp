#include "ca/admin/subject_text.hpp"

#include "ca/audit.hpp"
#include "ca/der_reader.hpp"

#include <botan/asn1_obj.h>
#include <botan/der_enc.h>
#include <botan/pkix_types.h>

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <vector>

namespace localca::ca::admin {

namespace {

constexpr std::uint8_t k_sequence = 0x30, k_set = 0x31, k_oid = 0x06;

// String types whose value Botan's ASN1_String keeps as the raw bytes (BMP and Universal strings
// are converted, so they take the slow path).
bool raw_string_tag(std::uint8_t tag) {
    return tag == 0x0c /* UTF8String */ || tag == 0x13 /* PrintableString */ ||
           tag == 0x16 /* IA5String */;
}

// Botan's name for an attribute type ("CN", "X520.Locality", a dotted OID...), learnt by
// formatting a one-attribute name with Botan: the fast path cannot name a type differently.
std::optional<std::string> botan_attribute_name(std::span<const std::uint8_t> oid_tlv) {
    std::vector<std::uint8_t> dn_der;
    std::vector<std::uint8_t> ava;
    Botan::DER_Encoder(ava)
        .start_cons(Botan::SEQUENCE)
        .raw_bytes(oid_tlv.data(), oid_tlv.size())
        .encode(Botan::ASN1_String("x", Botan::UTF8_STRING))
        .end_cons();
    Botan::DER_Encoder(dn_der)
        .start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SET)
        .raw_bytes(ava)
        .end_cons()
        .end_cons();
    const auto text = ca::subject_text(dn_der);
    const std::string tail = "=\"x\"";
    if (text.size() <= tail.size() || text.compare(text.size() - tail.size(), tail.size(), tail)) {
        return std::nullopt;
    }
    return text.substr(0, text.size() - tail.size());
}

// Per thread: no lock on the export's path. Subjects use a handful of types; the bound keeps a
// stream of odd names from growing it.
const std::string* attribute_name(std::span<const std::uint8_t> oid_tlv) {
    thread_local std::unordered_map<std::string, std::optional<std::string>> names;
    std::string key(oid_tlv.begin(), oid_tlv.end());
    auto it = names.find(key);
    if (it == names.end()) {
        if (names.size() >= 64) {
            return nullptr;
        }
        it = names.emplace(std::move(key), botan_attribute_name(oid_tlv)).first;
    }
    return it->second ? &*it->second : nullptr;
}

std::optional<std::string> fast_text(std::span<const std::uint8_t> der) {
    der_reader outer(der);
    const auto name = outer.expect(k_sequence, "Name");
    outer.expect_end("Name");
    der_reader rdns(name.value);
    std::string out;
    std::vector<std::span<const std::uint8_t>> seen;
    while (!rdns.at_end()) {
        der_reader set(rdns.expect(k_set, "RDN").value);
        der_reader ava(set.expect(k_sequence, "AVA").value);
        if (!set.at_end()) {
            return std::nullopt; // multi-valued RDN
        }
        const auto oid = ava.expect(k_oid, "type");
        const auto value = ava.next("value");
        ava.expect_end("AVA");
        if (!raw_string_tag(value.tag) || value.value.empty()) {
            return std::nullopt;
        }
        for (const auto& s : seen) {
            if (std::equal(s.begin(), s.end(), oid.whole.begin(), oid.whole.end())) {
                return std::nullopt; // a repeated type: Botan's own rules decide
            }
        }
        seen.push_back(oid.whole);
        const auto* type = attribute_name(oid.whole);
        if (!type) {
            return std::nullopt;
        }
        if (!out.empty()) {
            out += ',';
        }
        out += *type;
        out += "=\"";
        for (const auto b : value.value) {
            const char c = static_cast<char>(b);
            if (c == '\\' || c == '"') {
                out += '\\';
            }
            out += c;
        }
        out += '"';
    }
    return out;
}

} // namespace

std::string subject_text(std::span<const std::uint8_t> subject_der) {
    try {
        if (auto text = fast_text(subject_der)) {
            return std::move(*text);
        }
    } catch (const der_error&) {
        // Not strict DER: Botan's lenient decoder has the last word, as before.
    }
    return ca::subject_text(std::vector<std::uint8_t>(subject_der.begin(), subject_der.end()));
}

} // namespace localca::ca::admin
