// The "emca" section of the seed file: validation with JSON paths, hashed passwords, idempotence.
#include "ca/emca/aes_key_secret.hpp"
#include "ca/emca/password.hpp"
#include "storage/emca/api_user_repository.hpp"
#include "storage/store.hpp"
#include "test_support.hpp"
#include "tools/localca/seed.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

using localca::test::must_run;
using localca::test::read_file;
using localca::test::temp_dir;
namespace tools = localca::tools;

namespace {

std::string seed_text(const std::string& cert_pem, const std::string& password = "secret",
                      const std::string& user_extra = "", const std::string& profile_extra = "") {
    boost::json::object user{{"userName", "app1"},
                             {"password", password},
                             {"emKey", "k1"},
                             {"aesKey", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},
                             {"allowedIps", boost::json::array{"127.0.0.1"}},
                             {"signerCert", cert_pem}};
    std::string u = boost::json::serialize(user);
    u.insert(u.size() - 1, user_extra);
    std::string p =
        R"({"profileId":"3","authority":"RSA","defaultValidity":"1:0:0:0",)"
        R"("maxValidity":"2:0:0:0","requiredSubject":["CN"],"keyUsage":["digitalSignature"],)"
        R"("extendedKeyUsage":["clientAuth","1.2.3.4"])" +
        profile_extra + "}";
    return R"({"emca":{"users":[)" + u + R"(],"profiles":[)" + p + "]}}";
}

std::string error_of(const std::string& text) {
    try {
        tools::parse_seed(text);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(tools_seed_emca)

BOOST_AUTO_TEST_CASE(validation_names_the_path) {
    temp_dir dir;
    must_run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
             (dir / "k.pem").string() + " -out " + (dir / "c.pem").string() + " -subj /CN=s");
    const auto cert = read_file(dir / "c.pem");
    BOOST_TEST(error_of(seed_text(cert)) == "");
    BOOST_TEST(error_of(seed_text(cert, "secret", R"(,"aesMode":"CTR")")) ==
               "emca.users[0].aesMode: must be one of ECB, CBC, GCM");
    BOOST_TEST(error_of(seed_text(cert, "secret", R"(,"bogus":1)")) ==
               "emca.users[0].bogus: unknown key");
    BOOST_TEST(error_of(seed_text("not a cert")).find("emca.users[0].signerCert: must be a PEM") ==
               0u);
    BOOST_TEST(error_of(seed_text(cert, "secret", "", R"(,"keyTypes":["P-256"])"))
                   .find("emca.profiles[0].keyTypes:") == 0u);
    BOOST_TEST(error_of(seed_text(cert, "secret", "", R"(,"authority":"DSA")")) != "");
    const auto bad_validity = R"({"emca":{"profiles":[{"profileId":"3","authority":"ECC",)"
                              R"("defaultValidity":"1:24:0:0","maxValidity":"2:0:0:0"}]}})";
    BOOST_TEST(error_of(bad_validity).find("emca.profiles[0].defaultValidity: must be") == 0u);
    BOOST_TEST(
        error_of(R"({"emca":{"profiles":[{"profileId":"3","authority":"ECC",)"
                 R"("defaultValidity":"1:0:0:0","maxValidity":"2:0:0:0","keyUsage":["x"]}]}})")
            .find("emca.profiles[0].keyUsage:") == 0u);
}

BOOST_AUTO_TEST_CASE(fixtures_of_a_user_are_parsed_and_named_by_path) {
    temp_dir dir;
    must_run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
             (dir / "k.pem").string() + " -out " + (dir / "c.pem").string() + " -subj /CN=s");
    const auto cert = read_file(dir / "c.pem");
    const auto data = tools::parse_seed(
        seed_text(cert, "secret",
                  R"(,"fixtures":[{"authority":"ECC","validDays":30,"issuedDaysAgo":25},)"
                  R"({"authority":"RSA","validDays":365,"revoked":"keyCompromise"}])"));
    const auto& fx = data.emca.users.at(0).fixtures;
    BOOST_TEST_REQUIRE(fx.size() == 2u);
    BOOST_TEST((fx[0].authority == localca::ca::authority_kind::ecc));
    BOOST_TEST(fx[0].issued_days_ago == 25);
    BOOST_TEST(!fx[0].revoked.has_value());
    BOOST_TEST(fx[1].revoked.value_or(-1) == 1); // keyCompromise
    BOOST_TEST(
        error_of(seed_text(cert, "secret", R"(,"fixtures":[{"authority":"DSA","validDays":1}])")) ==
        "emca.users[0].fixtures[0].authority: must be RSA or ECC");
}

BOOST_AUTO_TEST_CASE(apply_hashes_and_is_idempotent) {
    temp_dir dir;
    must_run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
             (dir / "k.pem").string() + " -out " + (dir / "c.pem").string() + " -subj /CN=s");
    const auto cert = read_file(dir / "c.pem");
    localca::storage::options o;
    o.path = dir / "t.db";
    localca::storage::store store(o);
    const localca::ca::secret_box secrets(std::vector<std::uint8_t>(32, 9));
    const auto first = tools::apply_seed(store, tools::parse_seed(seed_text(cert)), secrets,
                                         *localca::ca::real_time());
    BOOST_TEST(first.inserted_or_changed == 2);
    const auto user = localca::storage::emca::find_api_user(store.reader(), "app1");
    BOOST_TEST_REQUIRE(user.has_value());
    BOOST_TEST(user->password_hash.find("secret") == std::string::npos);
    BOOST_TEST(localca::ca::emca::verify_password("secret", user->password_hash));
    BOOST_TEST(user->aes_mode == "ECB");
    const auto aes_key =
        secrets.open(user->aes_key_sealed, localca::ca::emca::aes_key_context("app1"));
    BOOST_TEST_REQUIRE(aes_key.size() == 32u);
    for (std::size_t i = 0; i < aes_key.size(); ++i) { // the Base64 of bytes 0..31
        BOOST_TEST(aes_key[i] == i);
    }
    const auto second = tools::apply_seed(store, tools::parse_seed(seed_text(cert)), secrets,
                                          *localca::ca::real_time());
    BOOST_TEST(second.inserted_or_changed == 0);
    const auto changed = tools::apply_seed(store, tools::parse_seed(seed_text(cert, "other")),
                                           secrets, *localca::ca::real_time());
    BOOST_TEST(changed.inserted_or_changed == 1);
    BOOST_TEST(localca::ca::emca::verify_password(
        "other", localca::storage::emca::find_api_user(store.reader(), "app1")->password_hash));
}

BOOST_AUTO_TEST_SUITE_END()
