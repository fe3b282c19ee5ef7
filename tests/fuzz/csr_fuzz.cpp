// CSR parsing and the authorities' key and algorithm policy (ca/csr): check_csr on arbitrary
// bytes (PEM or DER) for both authorities. Never throws; an accepted CSR must carry what a
// certificate is built from, and its key must pass the same policy again.
#include "fuzz_support.hpp"

#include "ca/csr.hpp"

#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/pkcs10.h>
#include <botan/x509_dn.h>

#include <memory>

namespace {

using localca::fuzz::violated;
namespace ca = localca::ca;

bool documented(ca::errc code) {
    return code == ca::errc::csr_malformed || code == ca::errc::csr_signature_invalid ||
           code == ca::errc::key_not_allowed || code == ca::errc::signature_algorithm_not_allowed;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = localca::fuzz::as_text(data, size);
    for (const auto kind : {ca::authority_kind::rsa, ca::authority_kind::ecc}) {
        const auto r = ca::check_csr(text, kind);
        if (!r) {
            if (!documented(r.err().code)) {
                violated(std::string("check_csr returned ") + ca::to_string(r.err().code));
            }
            continue;
        }
        if (r->key_kind != kind || r->subject_der.empty() || r->spki_der.empty() ||
            r->spki_sha256.size() != 32) {
            violated("an accepted CSR lacks its subject or key");
        }
        // Our own RSA verification (ca/rsa_verify) against Botan's: an accepted CSR that Botan
        // can read (its PEM reader is not ours) must pass Botan's key policy check and verify.
        std::unique_ptr<Botan::PKCS10_Request> botan_view;
        try {
            Botan::DataSource_Memory source{std::string(text)};
            botan_view = std::make_unique<Botan::PKCS10_Request>(source);
        } catch (const std::exception&) {
            botan_view.reset();
        }
        if (botan_view) {
            const std::unique_ptr<Botan::Public_Key> key(botan_view->subject_public_key());
            if (!ca::check_key(*key, kind)) {
                violated("an accepted CSR's key fails check_key");
            }
            if (!botan_view->check_signature(*key)) {
                violated("an accepted CSR's signature does not verify with Botan");
            }
        }
        // The subject is copied into certificates byte for byte: those bytes must decode.
        try {
            Botan::X509_DN again;
            Botan::BER_Decoder(r->subject_der).decode(again);
        } catch (const std::exception& e) {
            violated(std::string("an accepted CSR's subject does not decode: ") + e.what());
        }
    }
    return 0;
}
