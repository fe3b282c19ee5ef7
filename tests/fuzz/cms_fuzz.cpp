// The CMS SignedData parser (ca/cms): parse_signed_data and verify_signed_data on arbitrary
// bytes, against the RSA and the ECC signer of tests/fuzz/keys. Neither may throw; what verifies
// must parse, and verification must return exactly the parsed content.
#include "fuzz_support.hpp"
#include "fuzz_world.hpp"

#include "ca/emca/cms.hpp"

#include <memory>

namespace {

using localca::fuzz::violated;
namespace ca = localca::ca;

struct signers {
    std::unique_ptr<Botan::Public_Key> rsa;
    std::unique_ptr<Botan::Public_Key> ecc;
};

const signers& keys() {
    static const signers s = [] {
        return signers{localca::fuzz::certificate_key("keys/signer-rsa.crt.pem"),
                       localca::fuzz::certificate_key("keys/signer-ecc.crt.pem")};
    }();
    return s;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    keys();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> in(data, size);
    const auto parsed = ca::emca::parse_signed_data(in);
    if (!parsed && parsed.err().code != ca::errc::signed_data_malformed) {
        violated(std::string("parse_signed_data returned ") + ca::to_string(parsed.err().code));
    }
    if (parsed && parsed->signers.empty()) {
        violated("a parsed SignedData has no signer");
    }
    for (const auto* key : {keys().rsa.get(), keys().ecc.get()}) {
        const auto verified = ca::emca::verify_signed_data(in, *key);
        if (verified) {
            if (!parsed || verified.value() != parsed->content) {
                violated("verify_signed_data returned other content than parse_signed_data");
            }
        } else if (verified.err().code != ca::errc::signed_data_malformed &&
                   verified.err().code != ca::errc::signature_invalid) {
            violated(std::string("verify_signed_data returned ") +
                     ca::to_string(verified.err().code));
        }
    }
    return 0;
}
