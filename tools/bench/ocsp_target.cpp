#include "tools/bench/ocsp_target.hpp"

#include "ca/authority.hpp"

#include <botan/base64.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/hash.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>
#include <botan/x509cert.h>

#include <stdexcept>

namespace localca::bench {

namespace {

std::vector<std::uint8_t> sha1(const std::vector<std::uint8_t>& v) {
    const auto d = Botan::HashFunction::create_or_throw("SHA-1")->process(v);
    return {d.begin(), d.end()};
}

std::string percent_encode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if (std::isalnum(c)) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

} // namespace

ocsp_target::ocsp_target(std::uint16_t port, int server_pid, const std::filesystem::path& root_pem,
                         std::size_t items, bool nonce)
    : m_port(port), m_pid(server_pid), m_nonce(nonce) {
    const Botan::X509_Certificate root(root_pem.string());
    const auto name_hash = sha1(root.raw_subject_dn());
    const auto key_hash = sha1(root.subject_public_key_bitstring());
    for (std::size_t i = 0; i < items; ++i) {
        std::vector<std::uint8_t> der;
        Botan::DER_Encoder enc(der);
        enc.start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .encode(Botan::AlgorithmIdentifier(Botan::OID("1.3.14.3.2.26"),
                                               Botan::AlgorithmIdentifier::USE_NULL_PARAM))
            .encode(name_hash, Botan::OCTET_STRING)
            .encode(key_hash, Botan::OCTET_STRING)
            .encode(i + 1)
            .end_cons()
            .end_cons()
            .end_cons();
        if (nonce) {
            std::vector<std::uint8_t> value;
            Botan::DER_Encoder(value).encode(ca::thread_rng().random_vec(16), Botan::OCTET_STRING);
            enc.start_explicit(2)
                .start_cons(Botan::SEQUENCE)
                .start_cons(Botan::SEQUENCE)
                .encode(Botan::OID("1.3.6.1.5.5.7.48.1.2"))
                .encode(value, Botan::OCTET_STRING)
                .end_cons()
                .end_cons()
                .end_explicit();
        }
        enc.end_cons().end_cons();
        if (nonce) {
            m_requests.emplace_back(der.begin(), der.end());
        } else {
            m_requests.push_back("/ocsp/" + percent_encode(Botan::base64_encode(der)));
        }
    }
}

target::request ocsp_target::make_request(std::size_t i) {
    request r;
    if (m_nonce) {
        r.target = "/ocsp";
        r.headers = {{"Content-Type", "application/ocsp-request"}};
        r.body = m_requests[i];
    } else {
        r.target = m_requests[i];
    }
    return r;
}

std::string ocsp_target::check(std::size_t, const http_result& r) {
    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED successful(0), ... }: 30 82 LL LL
    // 0A 01 00 for every signed response of ours.
    if (r.status != 200) {
        return "HTTP " + std::to_string(r.status);
    }
    if (r.body.size() < 7 || r.body.compare(4, 3, std::string("\x0a\x01\x00", 3)) != 0) {
        return "not a successful OCSP response";
    }
    return "";
}

double ocsp_sign_cost_ms(const std::string& authority) {
    std::unique_ptr<Botan::Private_Key> key;
    if (authority == "RSA") {
        key = std::make_unique<Botan::RSA_PrivateKey>(ca::thread_rng(), 2048);
    } else {
        key = std::make_unique<Botan::ECDSA_PrivateKey>(ca::thread_rng(),
                                                        Botan::EC_Group("secp256r1"));
    }
    Botan::PK_Signer signer(*key, ca::signing_rng(),
                            authority == "RSA" ? "EMSA3(SHA-256)" : "EMSA1(SHA-256)",
                            authority == "RSA" ? Botan::IEEE_1363 : Botan::DER_SEQUENCE);
    const std::vector<std::uint8_t> tbs(300, 0x42); // about a ResponseData
    const int n = authority == "RSA" ? 200 : 1000;
    const double cpu0 = process_cpu_ms();
    for (int i = 0; i < n; ++i) {
        signer.sign_message(tbs, ca::signing_rng());
    }
    return (process_cpu_ms() - cpu0) / n;
}

} // namespace localca::bench
