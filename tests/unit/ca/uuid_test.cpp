// ca::random_uuid (the CN of certificates issued without a chosen name) and ca::request_uuid
// (request ids).
#include "ca/uuid.hpp"

#include <boost/test/unit_test.hpp>

#include <array>

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

namespace {

// How many distinct values `draw` gives on four threads drawing `per_thread` each.
std::size_t distinct_across_threads_of_uuid_test(std::string (*draw)(), int per_thread) {
    std::vector<std::vector<std::string>> drawn(4);
    std::vector<std::thread> threads;
    for (auto& out : drawn) {
        threads.emplace_back([&out, draw, per_thread] {
            for (int i = 0; i < per_thread; ++i) {
                out.push_back(draw());
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
    return all.size();
}

} // namespace

BOOST_AUTO_TEST_CASE(threads_draw_distinct_uuids) {
    // One generator per thread: threads must not repeat each other's values.
    BOOST_TEST(distinct_across_threads_of_uuid_test(&localca::ca::random_uuid, 50) == 200u);
}

BOOST_AUTO_TEST_CASE(request_uuids_are_version_4_distinct_and_use_every_digit) {
    static const std::regex v4(
        "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    constexpr int k_draws = 20000;
    std::set<std::string> seen;
    // Per text position, which hex digits appeared: a generator stuck on some bits (a bad shift,
    // a zero seed) shows up as a position with fewer values than it should have.
    std::array<std::set<char>, 36> digits;
    for (int i = 0; i < k_draws; ++i) {
        const auto id = localca::ca::request_uuid();
        if (!std::regex_match(id, v4)) {
            BOOST_FAIL("not a v4 UUID: " << id);
        }
        seen.insert(id);
        for (std::size_t p = 0; p < id.size(); ++p) {
            digits[p].insert(id[p]);
        }
    }
    BOOST_TEST(seen.size() == static_cast<std::size_t>(k_draws));
    for (std::size_t p = 0; p < digits.size(); ++p) {
        const std::size_t expected = (p == 8 || p == 13 || p == 18 || p == 23) ? 1u // dashes
                                     : p == 14                                 ? 1u // version
                                     : p == 19                                 ? 4u // variant
                                                                               : 16u;
        BOOST_TEST(digits[p].size() == expected, "position " << p);
    }
}

BOOST_AUTO_TEST_CASE(threads_draw_distinct_request_uuids) {
    // Each thread seeds its own generator from the OS: no two threads share a sequence.
    BOOST_TEST(distinct_across_threads_of_uuid_test(&localca::ca::request_uuid, 1000) == 4000u);
}

BOOST_AUTO_TEST_SUITE_END()
