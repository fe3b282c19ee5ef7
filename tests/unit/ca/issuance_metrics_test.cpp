// ca::issuance_metrics: the lock-free interning of API names, the outcome of a counted
// completion (success, refused, error), batches, and no lost counts under concurrent callers.
#include "ca/issuance_metrics.hpp"

#include <boost/test/unit_test.hpp>

#include <map>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace localca::ca;

namespace {

// What the wrappers read of an issue_request.
struct fake_request {
    std::string api;
    authority_kind authority = authority_kind::rsa;
    std::optional<std::int64_t> renewing_sn;
};

using key = std::tuple<std::string, authority_kind, issue_outcome, bool>;

std::map<key, std::uint64_t> counts_of(const issuance_metrics& m) {
    std::map<key, std::uint64_t> out;
    for (const auto& c : m.snapshot()) {
        const auto [it, fresh] =
            out.emplace(key{c.api, c.authority, c.outcome, c.renewal}, c.count);
        BOOST_TEST(fresh); // one row per label set
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(issuance_metrics_tests)

BOOST_AUTO_TEST_CASE(counted_completions_record_their_outcome) {
    issuance_metrics m;
    int calls = 0;
    std::function<void(result<int>)> done = [&calls](result<int>) { ++calls; };
    m.counted(fake_request{"pki", authority_kind::ecc, {}}, done)(result<int>(7));
    m.counted(fake_request{"pki", authority_kind::ecc, {}},
              done)(result<int>(make_error(errc::validity_invalid, "no")));
    m.counted(fake_request{"pki", authority_kind::ecc, {}},
              done)(result<int>(make_error(errc::internal, "boom")));
    m.counted(fake_request{"shop", authority_kind::rsa, 42}, done)(result<int>(1));
    BOOST_TEST(calls == 4); // every completion still reaches the caller
    const auto c = counts_of(m);
    BOOST_TEST(c.size() == 4u);
    BOOST_TEST(c.at({"pki", authority_kind::ecc, issue_outcome::success, false}) == 1u);
    BOOST_TEST(c.at({"pki", authority_kind::ecc, issue_outcome::refused, false}) == 1u);
    BOOST_TEST(c.at({"pki", authority_kind::ecc, issue_outcome::error, false}) == 1u);
    BOOST_TEST(c.at({"shop", authority_kind::rsa, issue_outcome::success, true}) == 1u);
}

BOOST_AUTO_TEST_CASE(a_batch_counts_each_request_under_its_authority) {
    issuance_metrics m;
    std::vector<fake_request> reqs{{"batchy", authority_kind::rsa, {}},
                                   {"batchy", authority_kind::ecc, {}},
                                   {"batchy", authority_kind::rsa, {}}};
    std::function<void(result<int>)> done = [](result<int>) {};
    m.counted_batch(reqs, done)(result<int>(1));
    m.counted_batch(reqs, done)(result<int>(make_error(errc::internal, "commit failed")));
    const auto c = counts_of(m);
    BOOST_TEST(c.at({"batchy", authority_kind::rsa, issue_outcome::success, false}) == 2u);
    BOOST_TEST(c.at({"batchy", authority_kind::ecc, issue_outcome::success, false}) == 1u);
    BOOST_TEST(c.at({"batchy", authority_kind::rsa, issue_outcome::error, false}) == 2u);
    BOOST_TEST(c.at({"batchy", authority_kind::ecc, issue_outcome::error, false}) == 1u);
}

BOOST_AUTO_TEST_CASE(names_beyond_the_slots_count_as_other) {
    issuance_metrics m;
    for (std::size_t i = 0; i < issuance_metrics::k_max_apis + 3; ++i) {
        m.record("api" + std::to_string(i), authority_kind::rsa, false, issue_outcome::success);
    }
    m.record(std::string(issuance_metrics::k_max_name + 1, 'x'), authority_kind::rsa, false,
             issue_outcome::success);
    m.record("", authority_kind::rsa, false, issue_outcome::success);
    const auto c = counts_of(m);
    BOOST_TEST(c.size() == issuance_metrics::k_max_apis + 1);
    BOOST_TEST(c.at({"other", authority_kind::rsa, issue_outcome::success, false}) == 5u);
    BOOST_TEST(c.count({"api0", authority_kind::rsa, issue_outcome::success, false}) == 1u);
}

BOOST_AUTO_TEST_CASE(concurrent_callers_share_one_slot_per_name_and_lose_nothing) {
    issuance_metrics m;
    const std::vector<std::string> names{"a", "bb", "ccc", "dddd"};
    constexpr int threads = 8, each = 5000;
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
        ts.emplace_back([&m, &names, t] {
            for (int i = 0; i < each; ++i) {
                m.record(names[(t + i) % names.size()], authority_kind::ecc, false,
                         issue_outcome::success);
            }
        });
    }
    for (auto& t : ts) {
        t.join();
    }
    const auto c = counts_of(m);
    BOOST_REQUIRE_EQUAL(c.size(), names.size());
    for (const auto& n : names) {
        BOOST_TEST(c.at({n, authority_kind::ecc, issue_outcome::success, false}) ==
                   static_cast<std::uint64_t>(threads * each / names.size()));
    }
}

BOOST_AUTO_TEST_SUITE_END()
