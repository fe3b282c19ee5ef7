// The reload command runner: exit status, death by signal in its own process group, timeout.
#include "server/foundry/reload_command.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace localca::server::foundry;

BOOST_AUTO_TEST_SUITE(foundry_reload_command)

BOOST_AUTO_TEST_CASE(commands_report_their_status) {
    using namespace std::chrono_literals;
    const auto ok = run_command("true", 5000ms);
    BOOST_TEST(ok.ran);
    BOOST_TEST(ok.exit_status == 0);
    const auto three = run_command("exit 3", 5000ms);
    BOOST_TEST(three.ran);
    BOOST_TEST(three.exit_status == 3);
    // Runs in its own process group with a clean signal mask: a HUP sent to the group reaches
    // the shell's children (here: sh kills its own group and must die of it).
    const auto hup = run_command("kill -HUP 0; sleep 5", 5000ms);
    BOOST_TEST(!hup.ran);
    BOOST_TEST(hup.problem == "killed by signal 1");
    const auto started = std::chrono::steady_clock::now();
    const auto slow = run_command("sleep 10", 200ms);
    BOOST_TEST(!slow.ran);
    BOOST_TEST(slow.problem == "timed out after 200 ms");
    BOOST_TEST((std::chrono::steady_clock::now() - started < 5s));
}

BOOST_AUTO_TEST_SUITE_END()
