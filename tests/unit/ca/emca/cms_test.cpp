// parse_signed_data() / verify_signed_data(): CMS SignedData made by the openssl CLI (DER and
// -stream BER, with and without signed attributes, RSA and ECDSA signers), tampering, other
// signers, and robustness on truncated and mutated input (the fuzz entry point never throws).
#include "ca/emca/cms.hpp"
#include "test_support.hpp"

#include <botan/data_src.h>
#include <botan/x509cert.h>

#include <memory>
#include <string>
#include <vector>

using namespace localca;
using localca::test::must_run;
using localca::test::read_file;
using localca::test::temp_dir;

namespace {

std::vector<std::uint8_t> bytes_cms(const std::string& s) {
    return {s.begin(), s.end()};
}

struct signer_files {
    std::string key;
    std::string cert;
    std::unique_ptr<Botan::Public_Key> public_key;
};

signer_files make_signer(const temp_dir& dir, const std::string& name, bool ec) {
    signer_files s{(dir / (name + ".key")).string(), (dir / (name + ".crt")).string(), nullptr};
    const std::string newkey =
        ec ? "-newkey ec -pkeyopt ec_paramgen_curve:P-256" : "-newkey rsa:2048";
    must_run("openssl req -x509 " + newkey + " -nodes -keyout " + s.key + " -out " + s.cert +
             " -days 2 -subj /CN=" + name);
    Botan::X509_Certificate cert(s.cert);
    s.public_key.reset(cert.subject_public_key());
    return s;
}

std::vector<std::uint8_t> sign(const temp_dir& dir, const signer_files& s,
                               const std::string& content, const std::string& extra = "") {
    const auto in = (dir / "content.bin").string();
    const auto out = (dir / "signed.der").string();
    std::ofstream(in, std::ios::binary) << content;
    must_run("openssl cms -sign -binary -nodetach -outform DER -md sha256 -signer " + s.cert +
             " -inkey " + s.key + " -in " + in + " -out " + out + " " + extra);
    return bytes_cms(read_file(out));
}

struct fixture {
    temp_dir dir;
    signer_files rsa = make_signer(dir, "rsa", false);
    signer_files ec = make_signer(dir, "ec", true);
};

} // namespace

BOOST_AUTO_TEST_SUITE(cms)

BOOST_AUTO_TEST_CASE(every_openssl_form_verifies) {
    fixture f;
    const std::string content = "ID1|MIIBxyz~ID2|-----BEGIN CERTIFICATE REQUEST-----";
    for (const auto* s : {&f.rsa, &f.ec}) {
        for (const std::string extra : {"", "-stream", "-noattr", "-stream -noattr"}) {
            BOOST_TEST_CONTEXT((s == &f.rsa ? "rsa " : "ec ") << extra) {
                const auto der = sign(f.dir, *s, content, extra);
                if (extra.find("-stream") != std::string::npos) {
                    BOOST_TEST(der.at(1) == 0x80); // indefinite length, as documented
                }
                const auto parsed = ca::emca::parse_signed_data(der);
                BOOST_TEST_REQUIRE(parsed.ok(), (parsed.ok() ? "" : parsed.err().detail));
                BOOST_TEST(std::string(parsed->content.begin(), parsed->content.end()) == content);
                BOOST_TEST(parsed->signers.size() == 1u);
                BOOST_TEST(parsed->signers[0].signed_attributes.empty() ==
                           (extra.find("-noattr") != std::string::npos));
                const auto v = ca::emca::verify_signed_data(der, *s->public_key);
                BOOST_TEST_REQUIRE(v.ok(), (v.ok() ? "" : v.err().detail));
                BOOST_TEST(v.value() == bytes_cms(content));
                // The other key does not verify it.
                const auto other =
                    ca::emca::verify_signed_data(der, *(s == &f.rsa ? f.ec : f.rsa).public_key);
                BOOST_TEST_REQUIRE(!other.ok());
                BOOST_TEST(ca::to_string(other.err().code) == std::string("signature_invalid"));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(large_streamed_content_is_joined) {
    fixture f;
    std::string content(20000, 'x');
    for (std::size_t i = 0; i < content.size(); i += 7) {
        content[i] = static_cast<char>('a' + i % 26);
    }
    const auto der = sign(f.dir, f.rsa, content, "-stream");
    const auto v = ca::emca::verify_signed_data(der, *f.rsa.public_key);
    BOOST_TEST_REQUIRE(v.ok(), (v.ok() ? "" : v.err().detail));
    BOOST_TEST(v.value() == bytes_cms(content));
}

BOOST_AUTO_TEST_CASE(tampered_content_or_signature_fails) {
    fixture f;
    for (const std::string extra : {"", "-stream", "-noattr"}) {
        auto der = sign(f.dir, f.rsa, "SERIAL-12345", extra);
        const std::string text(der.begin(), der.end());
        const auto at = text.find("SERIAL-12345");
        BOOST_TEST_REQUIRE(at != std::string::npos);
        auto tampered = der;
        tampered[at] = 'X';
        auto r = ca::emca::verify_signed_data(tampered, *f.rsa.public_key);
        BOOST_TEST_REQUIRE(!r.ok());
        BOOST_TEST(ca::to_string(r.err().code) == std::string("signature_invalid"));
        // Flip the last signature byte (the signature is near the end in every form).
        auto bad_sig = der;
        bad_sig[bad_sig.size() - (extra == "-stream" ? 20 : 1)] ^= 0x01;
        BOOST_TEST(!ca::emca::verify_signed_data(bad_sig, *f.rsa.public_key).ok());
    }
}

BOOST_AUTO_TEST_CASE(rejects_what_it_does_not_understand) {
    fixture f;
    const auto malformed = [](const std::vector<std::uint8_t>& in) {
        const auto r = ca::emca::parse_signed_data(in);
        return !r.ok() && r.err().code == ca::errc::signed_data_malformed;
    };
    BOOST_TEST(malformed({}));
    BOOST_TEST(malformed(bytes_cms("not der at all")));
    BOOST_TEST(malformed({0x30, 0x80, 0x00, 0x00}));
    BOOST_TEST(malformed({0x30, 0x84, 0xff, 0xff, 0xff, 0xff}));
    // SHA-1 digest.
    BOOST_TEST(malformed(sign(f.dir, f.rsa, "x", "-md sha1")));
    // Detached content.
    {
        const auto in = (f.dir / "c.bin").string();
        std::ofstream(in) << "detached";
        must_run("openssl cms -sign -binary -outform DER -md sha256 -signer " + f.rsa.cert +
                 " -inkey " + f.rsa.key + " -in " + in + " -out " + (f.dir / "d.der").string());
        BOOST_TEST(malformed(bytes_cms(read_file(f.dir / "d.der"))));
    }
    // Trailing data, oversized input.
    auto der = sign(f.dir, f.rsa, "x");
    auto trailing = der;
    trailing.push_back(0x00);
    trailing.push_back(0x00);
    trailing.push_back(0x05);
    BOOST_TEST(malformed(trailing));
    BOOST_TEST(malformed(std::vector<std::uint8_t>(ca::emca::k_cms_max_bytes + 1, 0x30)));
}

BOOST_AUTO_TEST_CASE(truncated_and_mutated_input_never_throws) {
    fixture f;
    for (const std::string extra : {"", "-stream"}) {
        const auto der = sign(f.dir, f.ec, "ID1|abc~ID2|def", extra);
        for (std::size_t n = 0; n < der.size(); ++n) {
            const std::vector<std::uint8_t> cut(der.begin(), der.begin() + n);
            BOOST_CHECK_NO_THROW(BOOST_TEST(!ca::emca::parse_signed_data(cut).ok()));
        }
        for (std::size_t i = 0; i < der.size(); ++i) {
            for (std::uint8_t x : {0x01, 0x80, 0xff}) {
                auto m = der;
                m[i] ^= x;
                BOOST_CHECK_NO_THROW((void)ca::emca::verify_signed_data(m, *f.ec.public_key));
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
