// The Mosquitto-ready files: written at the first sync, rewritten atomically only when their
// content changes, the reload command run after a change and only then; the ACL text.
#include "foundry_fixture.hpp"
#include "server/foundry/mosquitto_view.hpp"

#include <sys/stat.h>

using namespace localca;
using namespace localca::server::foundry;
using localca::test::must_run;
using localca::test::read_file;

namespace {

struct fixture : test::foundry_fixture {
    std::int64_t account = acct.a;

    mosquitto_options files() const {
        mosquitto_options m;
        m.acl_file = dir / "acl.txt";
        m.crl_file = dir / "crl.pem";
        // Counts its runs in a file, so the test sees exactly when it ran.
        m.reload_command = "echo reload >> '" + (dir / "reloads").string() + "'";
        return m;
    }

    int reloads() const {
        const auto text = read_file(dir / "reloads");
        return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    }

    ca::foundry::created_certificate create(std::optional<std::vector<std::string>> topics) {
        return foundry_fixture::create(account, std::move(topics));
    }

    std::string cn_of(const std::string& pem) {
        const auto p = dir / "cn.pem";
        std::ofstream(p) << pem;
        auto out = must_run("openssl x509 -in " + p.string() + " -noout -subject -nameopt RFC2253");
        out = out.substr(out.find("CN=") + 3);
        return out.substr(0, out.find('\n'));
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(foundry_broker_files)

BOOST_FIXTURE_TEST_CASE(files_follow_the_state_and_reload_only_on_change, fixture) {
    mosquitto_view view(*engine, *service, files(), std::chrono::seconds(3600));
    view.sync();
    BOOST_TEST(reloads() == 1);
    BOOST_TEST(test::file_mode(dir / "acl.txt") == 0644u);
    BOOST_TEST(test::file_mode(dir / "crl.pem") == 0644u);
    BOOST_TEST(read_file(dir / "acl.txt").find("\nuser ") == std::string::npos);
    // The CRL file is the RSA authority's current CRL and verifies against the root.
    must_run("openssl crl -in " + (dir / "crl.pem").string() + " -noout -CAfile " +
             (dir / "ca" / "rsa.crt.pem").string());

    view.sync(); // nothing changed: no write, no reload
    BOOST_TEST(reloads() == 1);

    const auto inactive = create(std::nullopt);
    view.sync(); // an INACTIVE certificate grants nothing
    BOOST_TEST(reloads() == 1);

    const auto active = create(std::vector<std::string>{"dev/1/#", "b"});
    view.sync();
    BOOST_TEST(reloads() == 2);
    const auto acl = read_file(dir / "acl.txt");
    const auto cn = cn_of(active.certificate.pem);
    BOOST_TEST(acl.find("\nuser " + cn + "\ntopic readwrite b\ntopic readwrite dev/1/#\n") !=
                   std::string::npos,
               acl);
    BOOST_TEST(acl.find(cn_of(inactive.certificate.pem)) == std::string::npos);

    // Revocation: the user disappears and the serial enters the CRL file.
    BOOST_REQUIRE(service->provision(account, active.certificate.id, "d1", {"dev/1/#"}).ok());
    view.sync();
    BOOST_TEST(reloads() == 3);
    BOOST_REQUIRE(service->revoke(account, active.certificate.id, "d1", 5).ok());
    view.sync();
    BOOST_TEST(reloads() == 4);
    BOOST_TEST(read_file(dir / "acl.txt").find(cn) == std::string::npos);
    const auto crl = must_run("openssl crl -in " + (dir / "crl.pem").string() + " -noout -text");
    std::ostringstream serial;
    serial << std::uppercase << std::hex << std::setw(2) << std::setfill('0')
           << active.certificate.sn;
    BOOST_TEST(crl.find("Serial Number: " + serial.str()) != std::string::npos, crl);
    BOOST_TEST(crl.find("Cessation Of Operation") != std::string::npos);
    // No temporary file left behind.
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
        BOOST_TEST(f.path().filename().string().find(".tmp-") == std::string::npos);
    }
}

BOOST_FIXTURE_TEST_CASE(a_missing_file_is_rewritten, fixture) {
    mosquitto_view view(*engine, *service, files(), std::chrono::seconds(3600));
    view.sync();
    std::filesystem::remove(dir / "acl.txt");
    view.sync();
    BOOST_TEST(std::filesystem::exists(dir / "acl.txt"));
    BOOST_TEST(reloads() == 2);
}

BOOST_FIXTURE_TEST_CASE(a_failing_write_is_logged_not_thrown, fixture) {
    auto m = files();
    m.acl_file = dir / "no-such-dir" / "acl.txt";
    mosquitto_view view(*engine, *service, m, std::chrono::seconds(3600));
    view.sync(); // logs; the service's change is already durable
    BOOST_TEST(!std::filesystem::exists(m.acl_file));
    BOOST_TEST(reloads() == 0);
}

BOOST_FIXTURE_TEST_CASE(the_refresher_catches_changes_made_elsewhere, fixture) {
    mosquitto_view view(*engine, *service, files(), std::chrono::seconds(1));
    view.sync();
    view.start_refresher();
    const auto c = create(std::vector<std::string>{"x"}); // no sync() call: the refresher's job
    bool seen = false;
    for (int i = 0; i < 100 && !seen; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        seen = read_file(dir / "acl.txt").find(cn_of(c.certificate.pem)) != std::string::npos;
    }
    BOOST_TEST(seen);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(foundry_acl_text)

BOOST_AUTO_TEST_CASE(acl_text_groups_filters_by_cn) {
    const std::vector<storage::foundry::topic_grant> grants = {
        {"AWS IoT Certificate", "a/#"},
        {"AWS IoT Certificate", "a/#"}, // two certificates sharing a CN and a filter
        {"AWS IoT Certificate", "b"},
        {"d1c2", "#"},
        {"d1c2", "x/+/y z"},
    };
    const auto text = acl_text(grants);
    const auto body = text.substr(text.find("\n\n") + 1);
    BOOST_TEST(body == "\nuser AWS IoT Certificate\n"
                       "topic readwrite a/#\n"
                       "topic readwrite b\n"
                       "\nuser d1c2\n"
                       "topic readwrite #\n"
                       "topic readwrite x/+/y z\n");
    // Every line before the first user is a comment: an empty view grants nothing.
    const auto empty = acl_text({});
    std::size_t pos = 0;
    while (pos < empty.size()) {
        const auto end = empty.find('\n', pos);
        BOOST_TEST(empty[pos] == '#');
        pos = end + 1;
    }
}

BOOST_AUTO_TEST_SUITE_END()
