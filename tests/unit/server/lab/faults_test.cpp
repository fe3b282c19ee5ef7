// Lab fault rules (server/lab/faults): a rule's JSON is checked field by field, and the store
// fires the first live matching rule: exactly `times` firings however many threads call, a
// seeded probability that repeats, an `until` on the lab clock; each firing is audited.
#include "server/lab/faults.hpp"

#include "ca/lab_clock.hpp"
#include "storage/audit_repository.hpp"

#include "storage_fixture.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace localca;
using namespace std::chrono_literals;
namespace json = boost::json;
using server::fault_effect;
using server::lab::fault_rule;
using server::lab::parse_fault_rule;

namespace {

server::lab::rule_parse parse(const std::string& text) {
    return parse_fault_rule(json::parse(text));
}

fault_rule rule(const std::string& text) {
    auto p = parse(text);
    BOOST_REQUIRE_MESSAGE(p.rule, text + ": " + p.field + ": " + p.error);
    return *p.rule;
}

// The field a refused rule names, and that its message says something of `words`.
void refused(const std::string& text, const std::string& field, const std::string& words) {
    const auto p = parse(text);
    BOOST_TEST_CONTEXT(text) {
        BOOST_TEST(!p.rule);
        BOOST_TEST(p.field == field);
        BOOST_TEST(p.error.find(words) != std::string::npos, p.error);
    }
}

struct store_fixture : test::temp_store {
    std::shared_ptr<ca::settable_clock> clock =
        std::make_shared<ca::settable_clock>(*ca::parse_rfc3339("2027-01-01T00:00:00Z"));
    server::lab::fault_store faults{store, clock};
    server::request_context ctx;

    store_fixture() {
        ctx.request_id = "00000000-0000-4000-8000-000000000000";
        ctx.remote_address = "192.0.2.7";
    }

    bool fires(const std::string& api, const std::string& op,
               const server::fault_attributes& attributes = {}) {
        return faults.fire(ctx, api, op, attributes).has_value();
    }

    // The firings of `n` calls, one bit each, for a store holding only `r`.
    std::vector<bool> sequence(const fault_rule& r, int n) {
        faults.clear();
        faults.add(r);
        std::vector<bool> out;
        for (int i = 0; i < n; ++i) {
            out.push_back(fires("enos", "apply"));
        }
        return out;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(server_lab_faults)

BOOST_AUTO_TEST_CASE(every_effect_kind_parses_and_lists_back_the_same) {
    using k = fault_effect::kind;
    const auto vendor =
        rule(R"({"api":"enos","operation":"apply","effect":{"vendorError":{"code":99501}}})");
    BOOST_TEST((vendor.effect.what == k::vendor_error));
    BOOST_TEST(json::parse(vendor.effect.vendor_error) == json::parse(R"({"code":99501})"));
    const auto status = rule(R"({"api":"foundry","operation":"generate",
                                 "effect":{"httpStatus":429}})");
    BOOST_TEST((status.effect.what == k::http_status));
    BOOST_TEST(status.effect.status == 429u);
    const auto delay = rule(R"({"api":"emca","operation":"create","effect":{"delayMs":250}})");
    BOOST_TEST((delay.effect.what == k::delay));
    BOOST_TEST(delay.effect.delay.count() == 250);
    BOOST_TEST((rule(R"({"api":"ocsp","operation":"ocsp","effect":{"reset":true}})").effect.what ==
                k::reset));
    BOOST_TEST(
        (rule(R"({"api":"enos","operation":"renew","effect":{"truncate":true}})").effect.what ==
         k::truncate));

    // What the API lists is a rule again, the same one, plus its id and fired count.
    for (const auto* text :
         {R"({"api":"enos","operation":"apply","match":{"orgId":"o1","deviceKey":"d1"},
              "effect":{"vendorError":{"code":99501,"msg":"busy"}},"times":3,
              "until":"2027-06-01T12:00:00Z"})",
          R"({"api":"emca","operation":"create","effect":{"delayMs":250},
              "probability":0.25,"seed":42})",
          R"({"api":"ocsp","operation":"ocsp","effect":{"truncate":true}})"}) {
        const auto r = rule(text);
        auto listed = server::lab::to_json(r);
        BOOST_TEST(listed.at("fired").as_int64() == 0);
        listed.erase("id");
        listed.erase("fired");
        const auto again = rule(json::serialize(listed));
        BOOST_TEST(json::serialize(server::lab::to_json(again)) ==
                   json::serialize(server::lab::to_json(r)));
        BOOST_TEST((again.match == r.match));
        BOOST_TEST((again.until == r.until));
    }
}

BOOST_AUTO_TEST_CASE(the_optional_fields_are_read) {
    const auto r = rule(R"({"api":"enos","operation":"apply","match":{"orgId":"o1"},
                            "effect":{"httpStatus":503},"probability":0.5,"seed":7,
                            "until":"2027-01-01T02:00:00+02:00"})");
    BOOST_TEST(r.match.size() == 1u);
    BOOST_TEST(r.match.at("orgId") == "o1");
    BOOST_TEST(!r.times);
    BOOST_TEST(*r.probability == 0.5);
    BOOST_TEST(r.seed == 7u);
    BOOST_TEST((*r.until == *ca::parse_rfc3339("2027-01-01T00:00:00Z")));
    BOOST_TEST(
        *rule(R"({"api":"enos","operation":"apply","effect":{"reset":true},"times":4})").times ==
        4);
}

BOOST_AUTO_TEST_CASE(bad_rules_are_refused_naming_the_field) {
    const std::string ok = R"("api":"enos","operation":"apply")";
    const std::string eff = R"("effect":{"httpStatus":503})";
    refused("[]", "body", "JSON object");
    refused("{" + ok + "," + eff + R"(,"color":"red"})", "color", "unknown field 'color'");
    refused("{" + eff + R"(,"operation":"apply"})", "api", "required");
    refused(R"({"api":"enos",)" + eff + "}", "operation", "required");
    refused(R"({"api":"enos","operation":"aply",)" + eff + "}", "operation",
            "no hook for enos aply");
    refused(R"({"api":"foundry","operation":"apply",)" + eff + "}", "operation", "known:");
    refused("{" + ok + "}", "effect", "effect is required");
    refused("{" + ok + R"(,"effect":{}})", "effect", "one of");
    refused("{" + ok + R"(,"effect":{"reset":true,"truncate":true}})", "effect", "one of");
    refused("{" + ok + R"(,"effect":{"explode":true}})", "effect", "unknown effect 'explode'");
    refused("{" + ok + R"(,"effect":{"vendorError":{}}})", "effect", "vendorError");
    refused("{" + ok + R"(,"effect":{"vendorError":"busy"}})", "effect", "vendorError");
    refused("{" + ok + R"(,"effect":{"httpStatus":99}})", "effect", "100..599");
    refused("{" + ok + R"(,"effect":{"httpStatus":600}})", "effect", "100..599");
    refused("{" + ok + R"(,"effect":{"httpStatus":"503"}})", "effect", "100..599");
    refused("{" + ok + R"(,"effect":{"delayMs":0}})", "effect", "1..600000");
    refused("{" + ok + R"(,"effect":{"delayMs":600001}})", "effect", "1..600000");
    refused("{" + ok + R"(,"effect":{"reset":false}})", "effect", "reset must be true");
    refused("{" + ok + R"(,"effect":{"truncate":1}})", "effect", "truncate must be true");
    refused("{" + ok + "," + eff + R"(,"match":["orgId"]})", "match", "object");
    refused("{" + ok + "," + eff + R"(,"match":{"orgId":1}})", "match", "match.orgId");
    refused("{" + ok + "," + eff + R"(,"times":0})", "times", "positive integer");
    refused("{" + ok + "," + eff + R"(,"times":-2})", "times", "positive integer");
    refused("{" + ok + "," + eff + R"(,"times":1.5})", "times", "positive integer");
    refused("{" + ok + "," + eff + R"(,"times":2,"probability":0.5,"seed":1})", "times",
            "exclude each other");
    refused("{" + ok + "," + eff + R"(,"probability":0,"seed":1})", "probability", "(0, 1]");
    refused("{" + ok + "," + eff + R"(,"probability":1.01,"seed":1})", "probability", "(0, 1]");
    refused("{" + ok + "," + eff + R"(,"probability":"half","seed":1})", "probability", "(0, 1]");
    refused("{" + ok + "," + eff + R"(,"probability":0.5})", "seed", "needs");
    refused("{" + ok + "," + eff + R"(,"probability":0.5,"seed":-1})", "seed", "non-negative");
    refused("{" + ok + "," + eff + R"(,"probability":0.5,"seed":"1"})", "seed", "integer");
    refused("{" + ok + "," + eff + R"(,"seed":1})", "seed", "goes with probability");
    refused("{" + ok + "," + eff + R"(,"times":1,"seed":1})", "seed", "goes with probability");
    refused("{" + ok + "," + eff + R"(,"until":"tomorrow"})", "until", "RFC 3339");
    refused("{" + ok + "," + eff + R"(,"until":1800000000})", "until", "RFC 3339");
    // The boundaries themselves are rules.
    BOOST_TEST(parse("{" + ok + R"(,"effect":{"httpStatus":100}})").rule.has_value());
    BOOST_TEST(parse("{" + ok + R"(,"effect":{"delayMs":600000}})").rule.has_value());
    BOOST_TEST(parse("{" + ok + "," + eff + R"(,"probability":1,"seed":0})").rule.has_value());
}

BOOST_FIXTURE_TEST_CASE(a_rule_matches_its_api_operation_and_every_attribute_it_names,
                        store_fixture) {
    faults.add(rule(R"({"api":"enos","operation":"apply","effect":{"httpStatus":503},
                        "match":{"orgId":"o1","deviceKey":"d1"}})"));
    BOOST_TEST(!fires("enos", "renew", {{"orgId", "o1"}, {"deviceKey", "d1"}}));
    BOOST_TEST(!fires("emca", "apply", {{"orgId", "o1"}, {"deviceKey", "d1"}}));
    BOOST_TEST(!fires("enos", "apply"));                                         // none
    BOOST_TEST(!fires("enos", "apply", {{"orgId", "o1"}}));                      // one missing
    BOOST_TEST(!fires("enos", "apply", {{"orgId", "o1"}, {"deviceKey", "d2"}})); // differs
    BOOST_TEST(!fires("enos", "apply", {{"orgid", "o1"}, {"deviceKey", "d1"}})); // case
    BOOST_TEST(faults.list().at(0).fired == 0);
    // Extra attributes the rule does not name do not matter.
    BOOST_TEST(fires("enos", "apply", {{"orgId", "o1"}, {"deviceKey", "d1"}, {"productKey", "p"}}));
    BOOST_TEST(fires("enos", "apply", {{"orgId", "o1"}, {"deviceKey", "d1"}}));
    BOOST_TEST(faults.list().at(0).fired == 2);

    // A rule without match fires for any attributes.
    faults.clear();
    faults.add(rule(R"({"api":"foundry","operation":"generate","effect":{"delayMs":5}})"));
    BOOST_TEST(fires("foundry", "generate"));
    BOOST_TEST(fires("foundry", "generate", {{"accountId", "a"}}));
}

BOOST_FIXTURE_TEST_CASE(the_first_live_matching_rule_fires, store_fixture) {
    faults.add(rule(R"({"api":"enos","operation":"apply","effect":{"httpStatus":502},"times":1,
                        "match":{"orgId":"o1"}})"));
    faults.add(rule(R"({"api":"enos","operation":"apply","effect":{"httpStatus":504}})"));
    const auto effect = [&](const server::fault_attributes& a) {
        const auto e = faults.fire(ctx, "enos", "apply", a);
        BOOST_REQUIRE(e);
        return e->status;
    };
    BOOST_TEST(effect({{"orgId", "o2"}}) == 504u);
    BOOST_TEST(effect({{"orgId", "o1"}}) == 502u);
    BOOST_TEST(effect({{"orgId", "o1"}}) == 504u); // the first is used up
    const auto rules = faults.list();
    BOOST_TEST(rules.at(0).fired == 1);
    BOOST_TEST(rules.at(1).fired == 2);
}

BOOST_FIXTURE_TEST_CASE(times_fires_exactly_n_calls_across_threads, store_fixture) {
    constexpr int n = 37, threads = 8, calls = 200;
    faults.add(rule(R"({"api":"enos","operation":"apply","effect":{"reset":true},"times":)" +
                    std::to_string(n) + "}"));
    std::atomic<int> fired{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            server::request_context own;
            own.request_id = "thread";
            for (int i = 0; i < calls; ++i) {
                if (faults.fire(own, "enos", "apply", {})) {
                    ++fired;
                }
            }
        });
    }
    for (auto& t : pool) {
        t.join();
    }
    BOOST_TEST(fired.load() == n);
    BOOST_TEST(faults.list().at(0).fired == n);
    BOOST_TEST(server::lab::to_json(faults.list().at(0)).at("fired").as_int64() == n);

    // Each firing is an audit entry of its own, with the caller's address.
    store.writer().run([](storage::connection&) {}); // after the queued audit jobs
    const auto rows = storage::audit_rows_after(store.reader(), 0, 1000);
    int entries = 0;
    for (const auto& row : rows) {
        if (row.action == "lab-fault") {
            ++entries;
            BOOST_TEST(row.subject.find("enos apply, reset") != std::string::npos, row.subject);
        }
    }
    BOOST_TEST(entries == n);
}

BOOST_FIXTURE_TEST_CASE(a_firing_is_audited_at_the_lab_clocks_time, store_fixture) {
    faults.add(rule(R"({"api":"ocsp","operation":"ocsp","effect":{"httpStatus":503},
                        "times":2})"));
    BOOST_TEST(fires("ocsp", "ocsp"));
    store.writer().run([](storage::connection&) {});
    const auto rows = storage::audit_rows_after(store.reader(), 0, 10);
    BOOST_REQUIRE(rows.size() == 1u);
    BOOST_TEST(rows[0].actor == "lab-fault");
    BOOST_TEST(rows[0].source_ip == "192.0.2.7");
    BOOST_TEST(rows[0].at == clock->now_unix());
    BOOST_TEST(rows[0].subject.find("fired, 1 of 2") != std::string::npos, rows[0].subject);
    BOOST_TEST(rows[0].subject.find(ctx.request_id) != std::string::npos, rows[0].subject);
}

BOOST_FIXTURE_TEST_CASE(a_seeded_probability_repeats_and_keeps_its_rate, store_fixture) {
    constexpr int calls = 10'000;
    const auto r = rule(R"({"api":"enos","operation":"apply","effect":{"httpStatus":503},
                            "probability":0.3,"seed":12345})");
    const auto first = sequence(r, calls);
    const auto second = sequence(r, calls);
    BOOST_TEST((first == second));
    const auto count = std::count(first.begin(), first.end(), true);
    // 0.3 of 10,000: 3,000 with a standard deviation of about 46; six of them either side.
    BOOST_TEST(count > 2700);
    BOOST_TEST(count < 3300);
    BOOST_TEST(faults.list().at(0).fired == count);

    // Another seed, another sequence of about the same rate.
    auto other = r;
    other.seed = 54321;
    const auto third = sequence(other, calls);
    BOOST_TEST((third != first));
    const auto other_count = std::count(third.begin(), third.end(), true);
    BOOST_TEST(other_count > 2700);
    BOOST_TEST(other_count < 3300);

    // Probability 1 fires every time.
    const auto always = sequence(rule(R"({"api":"enos","operation":"apply",
        "effect":{"httpStatus":503},"probability":1,"seed":0})"),
                                 100);
    BOOST_TEST(std::count(always.begin(), always.end(), true) == 100);
}

BOOST_FIXTURE_TEST_CASE(a_probability_draws_only_for_matching_calls, store_fixture) {
    // Calls that do not match leave the sequence where it was, so a run's other traffic does
    // not change which matching calls fire.
    const auto r = rule(R"({"api":"enos","operation":"apply","effect":{"httpStatus":503},
                            "match":{"orgId":"o1"},"probability":0.5,"seed":9})");
    std::vector<bool> plain, interleaved;
    faults.add(r);
    for (int i = 0; i < 200; ++i) {
        plain.push_back(fires("enos", "apply", {{"orgId", "o1"}}));
    }
    faults.clear();
    faults.add(r);
    for (int i = 0; i < 200; ++i) {
        BOOST_TEST(!fires("enos", "apply", {{"orgId", "o2"}}));
        interleaved.push_back(fires("enos", "apply", {{"orgId", "o1"}}));
    }
    BOOST_TEST((plain == interleaved));
}

BOOST_FIXTURE_TEST_CASE(until_ends_a_rule_on_the_lab_clock, store_fixture) {
    faults.add(rule(R"({"api":"enos","operation":"apply","effect":{"httpStatus":503},
                        "until":"2027-01-01T01:00:00Z"})"));
    BOOST_TEST(fires("enos", "apply"));
    clock->advance(59min + 59s);
    BOOST_TEST(fires("enos", "apply"));
    clock->advance(1s); // at `until`: over
    BOOST_TEST(!fires("enos", "apply"));
    clock->advance(24h);
    BOOST_TEST(!fires("enos", "apply"));
    // Back in time, the rule is live again: until is a bound, not a removal.
    clock->set(*ca::parse_rfc3339("2026-12-31T23:00:00Z"));
    BOOST_TEST(fires("enos", "apply"));
    BOOST_TEST(faults.list().at(0).fired == 3);
    BOOST_TEST(faults.list().size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(list_remove_and_clear, store_fixture) {
    BOOST_TEST(faults.list().empty());
    const auto a = faults.add(rule(R"({"api":"enos","operation":"apply",
                                       "effect":{"httpStatus":503},"times":2})"));
    auto b_rule = rule(R"({"api":"emca","operation":"create","effect":{"delayMs":10}})");
    b_rule.id = 99;   // the store assigns ids
    b_rule.fired = 5; // and counts from zero
    const auto b = faults.add(b_rule);
    const auto c = faults.add(rule(R"({"api":"ocsp","operation":"ocsp","effect":{"reset":true}})"));
    BOOST_TEST(a.id == 1);
    BOOST_TEST(b.id == 2);
    BOOST_TEST(c.id == 3);
    BOOST_TEST(b.fired == 0);

    BOOST_TEST(fires("enos", "apply"));
    BOOST_TEST(fires("emca", "create"));
    BOOST_TEST(fires("emca", "create"));
    auto listed = faults.list();
    BOOST_REQUIRE(listed.size() == 3u);
    BOOST_TEST(listed[0].id == 1);
    BOOST_TEST(listed[0].fired == 1);
    BOOST_TEST(listed[1].fired == 2);
    BOOST_TEST(listed[2].fired == 0);
    BOOST_TEST(server::lab::to_json(listed[1]).at("id").as_int64() == 2);
    BOOST_TEST(server::lab::to_json(listed[1]).at("fired").as_int64() == 2);

    BOOST_TEST(faults.remove(2));
    BOOST_TEST(!faults.remove(2)); // already gone
    BOOST_TEST(!faults.remove(42));
    listed = faults.list();
    BOOST_REQUIRE(listed.size() == 2u);
    BOOST_TEST(listed[0].id == 1);
    BOOST_TEST(listed[1].id == 3);
    BOOST_TEST(!fires("emca", "create"));

    BOOST_TEST(faults.clear() == 2u);
    BOOST_TEST(faults.list().empty());
    BOOST_TEST(faults.clear() == 0u);
    BOOST_TEST(!fires("enos", "apply"));
    BOOST_TEST(!fires("ocsp", "ocsp"));
    // Ids are never reused, so a CLI's delete never hits a newer rule.
    BOOST_TEST(faults.add(a).id == 4);
}

BOOST_AUTO_TEST_SUITE_END()
