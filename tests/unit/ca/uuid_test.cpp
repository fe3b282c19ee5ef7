// ca::random_uuid: request ids and the CN of certificates issued without a chosen name.
#include "ca/uuid.hpp"

#include <boost/test/unit_test.hpp>

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

BOOST_AUTO_TEST_SUITE(uuid)

BOOST_AUTO_TEST_CASE(random_uuids_are_version_4_and_distinct) {
    static const std::regex v4(
        "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        const auto id = localca::ca::random_uuid();
        BOOST_TEST(std::regex_match(id, v4), id);
        seen.insert(id);
    }
    BOOST_TEST(seen.size() == 100u);
}

BOOST_AUTO_TEST_CASE(threads_draw_distinct_uuids) {
    // One generator per thread: threads must not repeat each other's values.
    std::vector<std::vector<std::string>> drawn(4);
    std::vector<std::thread> threads;
    for (auto& out : drawn) {
        threads.emplace_back([&out] {
            for (int i = 0; i < 50; ++i) {
                out.push_back(localca::ca::random_uuid());
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    std::set<std::string> all;
    for (const auto& out : drawn) {
        all.insert(out.begin(), out.end());
    }
    BOOST_TEST(all.size() == 200u);
}

BOOST_AUTO_TEST_SUITE_END()
