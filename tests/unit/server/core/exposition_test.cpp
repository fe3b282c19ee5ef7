// The Prometheus text exposition of server/core/exposition and the lock-free counters it renders
// (storage::histogram, server::request_metrics through the router): escaping, cumulative
// buckets with _sum and _count, number forms, families, and counts under concurrent observers.
#include "server/core/exposition.hpp"
#include "server/core/router.hpp"

#include <boost/test/unit_test.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace localca;
using namespace localca::server;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);) {
        out.push_back(l);
    }
    return out;
}

// The value of the one sample line that starts with `series` followed by a space.
std::string value_of(const std::string& text, const std::string& series) {
    std::string found;
    for (const auto& l : lines_of(text)) {
        if (l.rfind(series + " ", 0) == 0) {
            BOOST_REQUIRE_MESSAGE(found.empty(), "two samples of " + series);
            found = l.substr(series.size() + 1);
        }
    }
    BOOST_REQUIRE_MESSAGE(!found.empty(), "no sample " + series + " in:\n" + text);
    return found;
}

} // namespace

BOOST_AUTO_TEST_SUITE(exposition_tests)

BOOST_AUTO_TEST_CASE(label_values_and_help_are_escaped) {
    exposition e;
    e.family("x_total", exposition::kind::counter, "back\\slash and\nnewline");
    e.sample({{"path", "a\"b\\c\nd"}}, 3);
    const auto lines = lines_of(e.text());
    BOOST_REQUIRE_EQUAL(lines.size(), 3u);
    BOOST_TEST(lines[0] == "# HELP x_total back\\\\slash and\\nnewline");
    BOOST_TEST(lines[1] == "# TYPE x_total counter");
    BOOST_TEST(lines[2] == "x_total{path=\"a\\\"b\\\\c\\nd\"} 3");
    // A value with nothing to escape comes out as it went in.
    BOOST_TEST(exposition::escape_label("/pki/v1/{certSN}") == "/pki/v1/{certSN}");
}

BOOST_AUTO_TEST_CASE(numbers) {
    BOOST_TEST(exposition::number(0) == "0");
    BOOST_TEST(exposition::number(12) == "12");
    BOOST_TEST(exposition::number(-3) == "-3");
    BOOST_TEST(exposition::number(1e15) == "1000000000000000");
    BOOST_TEST(std::stod(exposition::number(0.0025)) == 0.0025);
    BOOST_TEST(std::stod(exposition::number(1.0 / 3)) == 1.0 / 3); // round-trips exactly
    BOOST_TEST(exposition::number(std::numeric_limits<double>::infinity()) == "+Inf");
    BOOST_TEST(exposition::number(-std::numeric_limits<double>::infinity()) == "-Inf");
    BOOST_TEST(exposition::number(std::nan("")) == "NaN");
}

BOOST_AUTO_TEST_CASE(histogram_buckets_are_cumulative_with_sum_and_count) {
    const std::array<double, 3> bounds{0.1, 1, 10};
    storage::histogram h(bounds);
    const std::vector<double> values{0.05, 0.1, 0.5, 0.7, 3, 20, 20.5};
    double sum = 0;
    for (const double v : values) {
        h.observe(v);
        sum += v;
    }
    exposition e;
    e.family("lat_seconds", exposition::kind::histogram, "latency");
    e.histogram({{"api", "pki"}}, h.snapshot());
    const auto& t = e.text();
    // Each bucket counts the observations <= its bound (a value on a bound falls in it).
    std::vector<std::string> les{"0.1", "1", "10", "+Inf"};
    std::uint64_t previous = 0;
    for (std::size_t i = 0; i < les.size(); ++i) {
        const double bound =
            i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity();
        std::uint64_t expected = 0;
        for (const double v : values) {
            expected += v <= bound ? 1 : 0;
        }
        const auto got =
            std::stoull(value_of(t, "lat_seconds_bucket{api=\"pki\",le=\"" + les[i] + "\"}"));
        BOOST_TEST(got == expected);
        BOOST_TEST(got >= previous);
        previous = got;
    }
    BOOST_TEST(std::stoull(value_of(t, "lat_seconds_count{api=\"pki\"}")) == values.size());
    BOOST_TEST(std::stod(value_of(t, "lat_seconds_sum{api=\"pki\"}")) == sum,
               boost::test_tools::tolerance(1e-9));
    // The buckets come before _sum and _count, all after the family's two comment lines.
    const auto lines = lines_of(t);
    BOOST_REQUIRE_EQUAL(lines.size(), 2 + les.size() + 2);
    BOOST_TEST(lines[1] == "# TYPE lat_seconds histogram");
    BOOST_TEST(lines.back().rfind("lat_seconds_count", 0) == 0);
}

BOOST_AUTO_TEST_CASE(an_empty_histogram_has_zero_buckets_and_count) {
    const std::array<double, 2> bounds{1, 2};
    storage::histogram h(bounds);
    exposition e;
    e.family("h", exposition::kind::histogram, "h");
    e.histogram({}, h.snapshot());
    BOOST_TEST(value_of(e.text(), "h_bucket{le=\"+Inf\"}") == "0");
    BOOST_TEST(value_of(e.text(), "h_count") == "0");
    BOOST_TEST(value_of(e.text(), "h_sum") == "0");
}

BOOST_AUTO_TEST_CASE(families_are_unique_and_samples_typed) {
    exposition e;
    e.family("a", exposition::kind::gauge, "a");
    BOOST_CHECK_THROW(e.family("a", exposition::kind::gauge, "again"), std::logic_error);
    const std::array<double, 1> bounds{1};
    storage::histogram h(bounds);
    BOOST_CHECK_THROW(e.histogram({}, h.snapshot()), std::logic_error);
    e.family("b", exposition::kind::histogram, "b");
    BOOST_CHECK_THROW(e.sample({}, 1), std::logic_error);
    BOOST_CHECK_THROW(storage::histogram(std::array<double, 2>{2, 1}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(concurrent_observers_lose_nothing) {
    const std::array<double, 2> bounds{0.5, 1.5};
    storage::histogram h(bounds);
    constexpr int threads = 4, each = 20000;
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t) {
        ts.emplace_back([&h, t] {
            for (int i = 0; i < each; ++i) {
                h.observe(t % 3); // 0, 1, 2, 0: every value is an integer, so the sum is exact
            }
        });
    }
    for (auto& t : ts) {
        t.join();
    }
    const auto s = h.snapshot();
    BOOST_TEST(s.count() == static_cast<std::uint64_t>(threads * each));
    BOOST_TEST(s.sum == static_cast<double>(each * (0 + 1 + 2 + 0)));
    BOOST_TEST(s.buckets[0] == static_cast<std::uint64_t>(2 * each)); // the zeros
    BOOST_TEST(s.buckets[1] == static_cast<std::uint64_t>(each));     // the ones
    BOOST_TEST(s.buckets[2] == static_cast<std::uint64_t>(each));     // the twos, in +Inf
}

BOOST_AUTO_TEST_CASE(requests_count_under_their_route_template) {
    struct api final : server::personality {
        const char* name() const override { return "pki"; }
        void add_routes(router& r) override {
            auto h = [](std::shared_ptr<request_context>, responder) {};
            r.add(http::verb::get, "/pki/v1/certificates/{certSN}", h);
            r.add(http::verb::post, "/pki/v1/certificates/{certSN}", h); // same series
        }
        response internal_error(const request_context&) const override { return {}; }
    } p;
    router r;
    r.add_personality(p);
    const auto request = [&](http::verb method, std::string path, unsigned status) {
        request_context ctx;
        ctx.req.method(method);
        ctx.path = std::move(path);
        http::status st{};
        r.match(ctx, &st);
        r.metrics().record(ctx, status, 0.002);
    };
    request(http::verb::get, "/pki/v1/certificates/17", 200);
    request(http::verb::post, "/pki/v1/certificates/18", 200);
    request(http::verb::get, "/pki/v1/certificates/19", 404);
    request(http::verb::get, "/nowhere/20", 404);
    std::map<std::pair<std::string, std::string>, std::map<unsigned, std::uint64_t>> seen;
    for (const auto* m : r.metrics().routes()) {
        for (const auto& [code, n] : m->codes()) {
            seen[{m->api(), m->route()}][code] = n;
        }
    }
    // The ids in the paths appear nowhere: one series per template, one for the unmatched.
    BOOST_REQUIRE_EQUAL(seen.size(), 2u);
    const auto& route = seen.at({"pki", "/pki/v1/certificates/{certSN}"});
    BOOST_TEST(route.at(200) == 2u);
    BOOST_TEST(route.at(404) == 1u);
    BOOST_TEST(seen.at({"none", "unmatched"}).at(404) == 1u);
    for (const auto& [api, h] : r.metrics().latencies()) {
        BOOST_TEST(h->snapshot().count() == (api == "pki" ? 3u : 1u));
    }
}

BOOST_AUTO_TEST_SUITE_END()
