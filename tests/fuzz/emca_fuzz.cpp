// emCA request decoding, in the personality's order (server/emca/personality.cpp, open() and
// create()): the outer body {"requestData": Base64(AES-256(JSON)), ...}, AES decryption in each
// mode, the inner JSON's fields, the D:H:M:S validity, the validFrom date, decimals, and the
// Base64 CMS signature verified with the signer of tests/fuzz/keys, whose content is the
// "ID1|<CSR>~ID2|<CSR>" payload. Authentication (Argon2id, ~50 ms) is left to the http target.
//
// Input: byte 0 picks the AES mode (bits 0-1: ECB, CBC, GCM, ECB) and what follows it (bit 7
// set: the outer body, decrypted with the key; clear: the inner JSON, encrypted with the key and
// decrypted again, so mutations reach the fields and the CMS without breaking the cipher).
#include "fuzz_support.hpp"
#include "fuzz_world.hpp"

#include "ca/csr.hpp"
#include "ca/emca/aes.hpp"
#include "ca/emca/cms.hpp"
#include "server/emca/codec.hpp"

#include <boost/json.hpp>

#include <memory>

namespace {

using localca::fuzz::violated;
namespace ca = localca::ca;
namespace emca = localca::server::emca;
namespace json = boost::json;

const std::vector<std::uint8_t>& aes_key() {
    static const auto key = localca::fuzz::emca_aes_key();
    return key;
}

const Botan::Public_Key& signer() {
    static const auto key = localca::fuzz::certificate_key("keys/signer-ecc.crt.pem");
    return *key;
}

// The personality's reading of a field: a string, or an integer as its text; empty = absent.
std::optional<std::string> text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    std::string s;
    if (v && v->is_string()) {
        s = std::string(v->as_string());
    } else if (v && (v->is_int64() || v->is_uint64())) {
        s = json::serialize(*v);
    }
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

std::optional<std::vector<std::uint8_t>> base64_checked(std::string_view in) {
    auto bytes = emca::base64_decode(in);
    if (bytes && emca::base64_decode(emca::base64_encode(*bytes)) != bytes) {
        violated("base64_decode(base64_encode(x)) != x");
    }
    return bytes;
}

std::string_view chars(const std::vector<std::uint8_t>& v) {
    return {reinterpret_cast<const char*>(v.data()), v.size()};
}

void payload(std::string_view content) {
    emca::parse_decimal(content);
    const auto items = emca::parse_csr_payload(content);
    if (!items) {
        return;
    }
    if (items->empty() || items->size() > emca::k_max_csrs) {
        violated("parse_csr_payload accepted " + std::to_string(items->size()) + " CSRs");
    }
    for (const auto& item : *items) {
        if (item.id.empty() || item.csr.empty()) {
            violated("parse_csr_payload accepted an empty ID or CSR");
        }
        ca::check_csr(item.csr, ca::authority_kind::ecc);
    }
}

void inner(std::string_view plain) {
    boost::system::error_code ec;
    const auto v = json::parse(plain, ec);
    if (ec || !v.is_object()) {
        return;
    }
    const auto& fields = v.as_object();
    if (const auto t = text(fields, "validity")) {
        if (const auto d = emca::parse_validity(*t); d && d->count() < 0) {
            violated("parse_validity returned a negative duration");
        }
    }
    if (const auto t = text(fields, "validFrom")) {
        emca::parse_valid_from(*t);
    }
    if (const auto t = text(fields, "revokeMode")) {
        if (const auto n = emca::parse_decimal(*t); n && *n <= 0) {
            violated("parse_decimal accepted a number that is not positive");
        }
    }
    const auto signature = text(fields, "signature");
    const auto cms = signature ? base64_checked(*signature) : std::nullopt;
    if (!cms) {
        return;
    }
    if (const auto content = ca::emca::verify_signed_data(*cms, signer())) {
        payload(chars(content.value()));
    }
    // Mutated content no longer verifies: feed what parses to the payload decoder as well.
    if (const auto parsed = ca::emca::parse_signed_data(*cms)) {
        payload(chars(parsed->content));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    signer();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const ca::emca::aes_mode modes[] = {ca::emca::aes_mode::ecb, ca::emca::aes_mode::cbc,
                                        ca::emca::aes_mode::gcm, ca::emca::aes_mode::ecb};
    const auto mode = modes[data[0] & 3];
    const std::span<const std::uint8_t> rest(data + 1, size - 1);
    if ((data[0] & 0x80) == 0) {
        const auto cipher = ca::emca::aes256_encrypt(mode, aes_key(), rest);
        const auto plain = ca::emca::aes256_decrypt(mode, aes_key(), cipher);
        if (!plain || !std::equal(plain->begin(), plain->end(), rest.begin(), rest.end())) {
            violated("aes256_decrypt(aes256_encrypt(x)) != x");
        }
        inner(chars(plain.value()));
        return 0;
    }
    boost::system::error_code ec;
    const auto body = json::parse(localca::fuzz::as_text(rest.data(), rest.size()), ec);
    if (ec || !body.is_object()) {
        return 0;
    }
    const auto request_data = text(body.as_object(), "requestData");
    const auto cipher = request_data ? base64_checked(*request_data) : std::nullopt;
    if (!cipher) {
        return 0;
    }
    const auto plain = ca::emca::aes256_decrypt(mode, aes_key(), *cipher);
    if (!plain) {
        if (plain.err().code != ca::errc::decryption_failed) {
            violated(std::string("aes256_decrypt returned ") + ca::to_string(plain.err().code));
        }
        return 0;
    }
    inner(chars(plain.value()));
    return 0;
}
