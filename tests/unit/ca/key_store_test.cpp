// key_store: encrypted PKCS#8 key files and the passphrase, checked with the openssl CLI.
#include "ca/authority.hpp"
#include "ca/key_store.hpp"
#include "test_support.hpp"

#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/pkcs8.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sys/stat.h>

using namespace localca;
using localca::test::must_run;
using localca::test::run;
using localca::test::temp_dir;

namespace {

Botan::ECDSA_PrivateKey test_key() {
    return Botan::ECDSA_PrivateKey(ca::thread_rng(), Botan::EC_Group("secp256r1"));
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_key_store)

BOOST_AUTO_TEST_CASE(passphrase_file_created_once) {
    test::scoped_env env("LOCALCA_CA_PASSPHRASE");
    temp_dir dir;
    ca::key_store ks(dir.path());
    BOOST_CHECK_THROW(ks.passphrase(false), std::runtime_error);
    const auto p1 = ks.passphrase(true);
    BOOST_CHECK_EQUAL(p1.size(), 64u); // 32 random bytes, hex
    BOOST_CHECK_EQUAL(test::file_mode(dir / "passphrase"), 0600u);
    BOOST_CHECK_EQUAL(ks.passphrase(true), p1);
    BOOST_CHECK_EQUAL(ks.passphrase(false), p1);
}

BOOST_AUTO_TEST_CASE(passphrase_from_environment) {
    temp_dir dir;
    ca::key_store ks(dir.path());
    {
        test::scoped_env env("LOCALCA_CA_PASSPHRASE", "from the environment");
        BOOST_CHECK_EQUAL(ks.passphrase(true), "from the environment");
        BOOST_CHECK(!std::filesystem::exists(dir / "passphrase"));
    }
    {
        test::scoped_env env("LOCALCA_CA_PASSPHRASE", "");
        BOOST_CHECK_THROW(ks.passphrase(false), std::runtime_error); // empty counts as unset
    }
}

BOOST_AUTO_TEST_CASE(key_file_encrypted_and_private) {
    test::scoped_env env("LOCALCA_CA_PASSPHRASE");
    temp_dir dir;
    ca::key_store ks(dir.path());
    const auto key = test_key();
    ks.save("ecc", key, "s3cret pass");
    const auto path = ks.key_path("ecc");
    BOOST_CHECK_EQUAL(path, dir / "ecc.key.pem");
    BOOST_CHECK(ks.exists("ecc"));
    BOOST_CHECK(!ks.exists("rsa"));
    BOOST_CHECK_EQUAL(test::file_mode(path), 0600u);

    const auto pem = localca::test::read_file(path);
    BOOST_CHECK(pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 0) == 0);
    const auto asn1 = must_run("openssl asn1parse -in " + path.string());
    BOOST_CHECK(asn1.find(":PBES2") != std::string::npos);
    BOOST_CHECK(asn1.find(":PBKDF2") != std::string::npos);
    BOOST_CHECK(asn1.find(":hmacWithSHA256") != std::string::npos);
    BOOST_CHECK(asn1.find(":aes-256-cbc") != std::string::npos);

    // openssl decrypts it with the passphrase, and the key is ours.
    must_run("openssl pkey -in " + path.string() + " -passin 'pass:s3cret pass' -pubout " +
             "-outform DER -out " + (dir / "pub.der").string());
    const auto pub = localca::test::read_file(dir / "pub.der");
    const auto ours = key.subject_public_key();
    BOOST_CHECK(pub == std::string(ours.begin(), ours.end()));
    BOOST_CHECK(must_run("openssl pkcs8 -in " + path.string() + " -passin 'pass:s3cret pass'")
                    .find("BEGIN PRIVATE KEY") != std::string::npos);
    BOOST_CHECK(run("openssl pkcs8 -in " + path.string() + " -passin pass:wrong").status != 0);
    BOOST_CHECK(run("openssl pkcs8 -in " + path.string() + " -passin pass:").status != 0);
}

BOOST_AUTO_TEST_CASE(load_round_trip_and_wrong_passphrase) {
    test::scoped_env env("LOCALCA_CA_PASSPHRASE");
    temp_dir dir;
    ca::key_store ks(dir.path());
    const auto key = test_key();
    ks.save("ecc", key, "right");
    const auto loaded = ks.load("ecc", "right");
    BOOST_REQUIRE(loaded);
    BOOST_CHECK(loaded->subject_public_key() == key.subject_public_key());
    try {
        ks.load("ecc", "wrong-passphrase-value");
        BOOST_ERROR("loading with a wrong passphrase succeeded");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        BOOST_CHECK(what.find("wrong passphrase") != std::string::npos);
        BOOST_CHECK(what.find("wrong-passphrase-value") == std::string::npos);
    }
    BOOST_CHECK_THROW(ks.load("missing", "right"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(never_overwrites_and_refuses_plaintext) {
    test::scoped_env env("LOCALCA_CA_PASSPHRASE");
    temp_dir dir;
    ca::key_store ks(dir.path());
    const auto key = test_key();
    ks.save("ecc", key, "one");
    const auto before = localca::test::read_file(ks.key_path("ecc"));
    BOOST_CHECK_THROW(ks.save("ecc", test_key(), "two"), std::runtime_error);
    BOOST_CHECK_EQUAL(localca::test::read_file(ks.key_path("ecc")), before);
    BOOST_CHECK_THROW(ks.save("other", key, ""), std::invalid_argument);

    // A plaintext PKCS#8 file is not accepted as a CA key.
    must_run("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
             (dir / "plain.key.pem").string());
    BOOST_CHECK_THROW(ks.load("plain", "anything"), std::runtime_error);
}

// A key another node published: written whole with its mode from the start, loadable, and a
// second install replaces it (a leftover ".new" from a crash does not stop it).
BOOST_AUTO_TEST_CASE(install_places_a_published_file) {
    temp_dir dir;
    const ca::key_store ks(dir / "ca"); // the folder does not exist yet
    const Botan::ECDSA_PrivateKey key(ca::thread_rng(), Botan::EC_Group("secp256r1"));
    const auto pem = Botan::PKCS8::PEM_encode(key, ca::thread_rng(), "pub-pass");
    std::ofstream(dir / "stray") << "x"; // unrelated file: untouched
    ks.install("ecc.key.pem", pem, 0600);
    BOOST_CHECK_EQUAL(test::file_mode(dir / "ca"), 0700u);
    BOOST_CHECK_EQUAL(test::file_mode(dir / "ca" / "ecc.key.pem"), 0600u);
    BOOST_CHECK_EQUAL(test::read_file(dir / "ca" / "ecc.key.pem"), pem);
    BOOST_CHECK(ks.load("ecc", "pub-pass") != nullptr);
    std::ofstream(dir / "ca" / "ecc.crt.pem.new") << "half a file";
    ks.install("ecc.crt.pem", "root\n", 0644);
    BOOST_CHECK_EQUAL(test::file_mode(dir / "ca" / "ecc.crt.pem"), 0644u);
    BOOST_CHECK_EQUAL(test::read_file(dir / "ca" / "ecc.crt.pem"), "root\n");
    BOOST_CHECK(!std::filesystem::exists(dir / "ca" / "ecc.crt.pem.new"));
    ks.install("ecc.crt.pem", "root 2\n", 0644);
    BOOST_CHECK_EQUAL(test::read_file(dir / "ca" / "ecc.crt.pem"), "root 2\n");
}

BOOST_AUTO_TEST_SUITE_END()
